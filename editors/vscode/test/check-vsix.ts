// Checks a packaged VSIX: the manifest the extension runs with (activation,
// commands, entry point), the platform, and the bundled server, which must be
// the given binary, executable, and able to run.
//
//   node out/test/check-vsix.js EXTENSION.vsix LEAKLS_BINARY

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as yauzl from 'yauzl';

import { COMMANDS } from '../src/commands';

interface Entry {
  name: string;
  /** Unix permission bits, as VS Code restores them when it installs the VSIX. */
  mode: number;
  data: Buffer;
}

function readZip(file: string): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      const entries = new Map<string, Entry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) {
            reject(streamError);
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const mode = (entry.externalFileAttributes >>> 16) & 0o777;
            entries.set(entry.fileName, { name: entry.fileName, mode, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function main(): Promise<void> {
  const [vsix, binary] = process.argv.slice(2);
  if (vsix === undefined || binary === undefined) {
    throw new Error('usage: check-vsix.js EXTENSION.vsix LEAKLS_BINARY');
  }
  const entries = await readZip(vsix);
  const text = (name: string) => {
    const entry = entries.get(name);
    assert.ok(entry, `${name} is missing from ${vsix}; it has ${[...entries.keys()].join(', ')}`);
    return entry.data.toString('utf8');
  };

  const target = /TargetPlatform="([^"]+)"/.exec(text('extension.vsixmanifest'))?.[1];
  assert.ok(target, 'the VSIX is not platform-specific');

  const manifest = JSON.parse(text('extension/package.json'));
  assert.deepEqual(manifest.activationEvents, ['onLanguage:go']);
  assert.deepEqual(
    manifest.contributes.commands.map((c: { command: string }) => c.command),
    Object.values(COMMANDS).map((c) => c.id),
  );
  assert.ok(text(path.posix.join('extension', manifest.main)).includes('leakls'), 'the entry point is empty');
  // vsce stores the README under this name.
  text('extension/readme.md');

  const serverName = `extension/server/${target}/${target.startsWith('win32') ? 'leakls.exe' : 'leakls'}`;
  const server = entries.get(serverName);
  assert.ok(server, `${serverName} is missing`);
  assert.ok(server.data.equals(fs.readFileSync(binary)), `${serverName} is not ${binary}`);
  if (!target.startsWith('win32')) {
    assert.equal(server.mode & 0o111, 0o111, `${serverName} is not executable (mode ${server.mode.toString(8)})`);
  }

  // Only what the extension needs at run time: no sources, tests, maps or node_modules.
  const allowed = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|readme\.md|dist\/extension\.js|server\/[^/]+\/leakls(\.exe)?))$/;
  const unexpected = [...entries.keys()].filter((name) => !allowed.test(name));
  assert.deepEqual(unexpected, [], 'unexpected files in the VSIX');

  if (target === `${process.platform}-${process.arch}`) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakls-vsix-'));
    try {
      const extracted = path.join(dir, 'leakls');
      fs.writeFileSync(extracted, server.data, { mode: server.mode });
      const version = execFileSync(extracted, ['--version'], { encoding: 'utf8' }).trim();
      assert.match(version, /^leakls \d+\.\d+\.\d+/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const size = (fs.statSync(vsix).size / 1e6).toFixed(1);
  console.log(`check-vsix: ${path.basename(vsix)} OK (${target}, ${entries.size} files, ${size} MB)`);
}

main().catch((error: unknown) => {
  console.error(`check-vsix: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
