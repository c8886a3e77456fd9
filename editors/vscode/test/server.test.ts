// Finding the server binary, on real files in a temp dir.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

import { type LookupEnvironment, bundledServerPath, findServer } from '../src/server';

const made: string[] = [];
after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakls-lookup-'));
  made.push(dir);
  return dir;
}

function writeExecutable(file: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, mode);
  return file;
}

function environment(extensionPath: string, overrides: Partial<LookupEnvironment> = {}): LookupEnvironment {
  return {
    extensionPath,
    configuredPath: '',
    workspaceFolder: undefined,
    platform: 'linux',
    arch: 'x64',
    env: { PATH: '' },
    ...overrides,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const dir = tempDir();
  const configured = writeExecutable(path.join(dir, 'custom', 'leakls'));
  writeExecutable(bundledServerPath(path.join(dir, 'ext'), 'linux', 'x64'));
  const onPath = path.join(dir, 'bin');
  writeExecutable(path.join(onPath, 'leakls'));
  const found = findServer(environment(path.join(dir, 'ext'), { configuredPath: configured, env: { PATH: onPath } }));
  assert.deepEqual(found, { found: true, path: configured, from: 'setting' });
});

test('a relative setting is resolved against the workspace folder', () => {
  const dir = tempDir();
  const binary = writeExecutable(path.join(dir, 'target', 'release', 'leakls'));
  const found = findServer(environment(dir, { configuredPath: 'target/release/leakls', workspaceFolder: dir }));
  assert.deepEqual(found, { found: true, path: binary, from: 'setting' });
});

test('a setting naming no executable is an error, with no fallback', () => {
  const dir = tempDir();
  writeExecutable(bundledServerPath(dir, 'linux', 'x64'));
  const notExecutable = writeExecutable(path.join(dir, 'leakls-data'), 0o644);
  for (const configured of [path.join(dir, 'missing'), notExecutable, dir]) {
    const found = findServer(environment(dir, { configuredPath: configured }));
    assert.equal(found.found, false);
    assert.match(!found.found ? found.message : '', /leakls\.server\.path is set to .* not an executable file/);
  }
});

test('the bundled binary for this platform comes before PATH', () => {
  const dir = tempDir();
  const bundled = writeExecutable(path.join(dir, 'server', 'darwin-arm64', 'leakls'));
  writeExecutable(path.join(dir, 'server', 'linux-x64', 'leakls'), 0o644);
  const onPath = path.join(dir, 'bin');
  writeExecutable(path.join(onPath, 'leakls'));
  const env = { PATH: onPath };
  assert.deepEqual(findServer(environment(dir, { platform: 'darwin', arch: 'arm64', env })), {
    found: true,
    path: bundled,
    from: 'bundled',
  });
  // The linux-x64 file is not executable, so PATH is next.
  assert.deepEqual(findServer(environment(dir, { env })), {
    found: true,
    path: path.join(onPath, 'leakls'),
    from: 'PATH',
  });
});

test('Windows looks for leakls.exe in the bundle and on Path', () => {
  const dir = tempDir();
  assert.equal(bundledServerPath(dir, 'win32', 'x64'), path.join(dir, 'server', 'win32-x64', 'leakls.exe'));
  const onPath = path.join(dir, 'bin');
  writeExecutable(path.join(onPath, 'leakls.exe'), 0o644);
  const found = findServer(environment(dir, { platform: 'win32', env: { Path: `${path.join(dir, 'nothing')};${onPath}` } }));
  assert.deepEqual(found, { found: true, path: path.join(onPath, 'leakls.exe'), from: 'PATH' });
});

test('nothing found: the message says how to install', () => {
  const dir = tempDir();
  const found = findServer(environment(dir, { env: { PATH: path.join(dir, 'bin') } }));
  assert.equal(found.found, false);
  const message = !found.found ? found.message : '';
  assert.match(message, /not found/);
  assert.match(message, /linux-x64/);
  assert.match(message, /VSIX/);
  assert.match(message, /cargo install/);
  assert.match(message, /leakls\.server\.path/);
});
