// package.json against the code: contributed commands and settings, activation,
// and what the settings become for the server.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { COMMANDS, DEFAULT_DUMP_URL, loadedText, statusText, statusTooltip, urlProblem, watch } from '../src/commands';
import { CLIENT_KEYS, SERVER_KEYS, configurationChange, serverSettings } from '../src/settings';

interface Manifest {
  main: string;
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  activationEvents: string[];
  engines: { vscode: string };
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;

test('package.json contributes exactly the commands the extension registers', () => {
  const contributed = manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]);
  const registered = Object.values(COMMANDS).map((c) => [c.id, `leakls: ${c.title}`]);
  assert.deepEqual(contributed, registered);
});

test('package.json contributes exactly the settings the code reads', () => {
  const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
  const known = [...SERVER_KEYS, ...CLIENT_KEYS].map((k) => `leakls.${k}`).sort();
  assert.deepEqual(contributed, known);
});

test('the extension activates for Go files and starts from the bundle', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:go']);
  assert.equal(manifest.main, './dist/extension.js');
});

test('an untrusted workspace cannot choose the server binary', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.deepEqual(untrusted.restrictedConfigurations, ['leakls.server.path']);
});

test('only settings the user set are sent, nested as the server reads them', () => {
  assert.deepEqual(serverSettings(() => undefined), {});
  const user: Record<string, unknown> = {
    disable: ['ticker-not-stopped'],
    severity: { 'unreceived-send': 'error' },
    'runtime.timeoutSeconds': 5,
    'runtime.libraryPrefixes': [],
    'server.path': '/opt/leakls',
    'trace.server': 'verbose',
  };
  const sent = serverSettings((key) => user[key]);
  assert.deepEqual(sent, {
    disable: ['ticker-not-stopped'],
    severity: { 'unreceived-send': 'error' },
    runtime: { libraryPrefixes: [], timeoutSeconds: 5 },
  });
  assert.deepEqual(configurationChange(sent), { settings: { leakls: sent } });
});

test('URLs: http and https pprof endpoints pass, anything else is explained', () => {
  assert.equal(urlProblem(DEFAULT_DUMP_URL), undefined);
  assert.equal(urlProblem(' https://svc.internal:6060/debug/pprof/goroutine?debug=1 '), undefined);
  assert.match(urlProblem('localhost:6060')!, /http, not localhost/);
  assert.match(urlProblem('file:///tmp/dump.txt')!, /http, not file/);
  assert.match(urlProblem('not a url')!, /Enter a URL/);
});

test('status bar: hot spots and watching; hidden with nothing loaded', () => {
  assert.equal(statusText({ groups: 0, hotSpots: 0, watching: false, snapshots: 0 }), undefined);
  assert.equal(statusText({ groups: 5, hotSpots: 3, watching: true, snapshots: 2 }), 'leakls: 3 hot spots, watching');
  assert.equal(statusText({ groups: 1, hotSpots: 1, watching: false, snapshots: 1 }), 'leakls: 1 hot spot');
  assert.equal(statusText({ groups: 0, hotSpots: 0, watching: true, snapshots: 0 }), 'leakls: 0 hot spots, watching');
  assert.equal(
    statusTooltip({ groups: 5, hotSpots: 3, watching: true, snapshots: 2 }),
    '5 goroutine groups from 2 snapshots, watching. Click for leakls commands.',
  );
});

test('the loaded-dump notification counts in words that agree with the numbers', () => {
  assert.equal(
    loadedText({ groups: 6, hotSpots: 4, watching: false, snapshots: 1 }),
    'leakls: loaded 6 goroutine groups; 4 hot spots in this workspace.',
  );
  assert.equal(
    loadedText({ groups: 1, hotSpots: 1, watching: false, snapshots: 1 }),
    'leakls: loaded 1 goroutine group; 1 hot spot in this workspace.',
  );
});

test('watch sends the interval only when one is given', () => {
  assert.deepEqual(watch(DEFAULT_DUMP_URL), { command: 'leakls.watch', arguments: [DEFAULT_DUMP_URL] });
  assert.deepEqual(watch(DEFAULT_DUMP_URL, 2), { command: 'leakls.watch', arguments: [DEFAULT_DUMP_URL, 2] });
});
