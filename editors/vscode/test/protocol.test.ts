// The real leakls binary driven over stdio as the extension's client drives it.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';

import type { CodeAction, Diagnostic, InlayHint } from 'vscode-languageserver-protocol/node';

import { COMMANDS, SERVER_COMMANDS, type RuntimeStatus, clearDump, loadDump, stopWatching, watch } from '../src/commands';
import { configurationChange, serverSettings } from '../src/settings';
import { FIXTURE, Session, copyFixture } from './lsp-session';

const SEND = 'result <- fetch(id)';
const TICKER = 't := time.NewTicker';

/** The fixture's findings; other rules may report more, which these tests leave alone. */
const FIXTURE_RULES = ['ticker-not-stopped', 'unreceived-send'];

function fixtureFindings(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => FIXTURE_RULES.includes(String(d.code)));
}

function ruleCodes(diagnostics: Diagnostic[]): string[] {
  return fixtureFindings(diagnostics)
    .map((d) => String(d.code))
    .sort();
}

const bothFindings = (d: Diagnostic[]) => ruleCodes(d).join() === FIXTURE_RULES.join();

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `fixture lost ${needle}`);
  return text.slice(0, at).split('\n').length - 1;
}

/** What `serverSettings` makes of values set in VS Code's settings.json. */
function fromSettingsJson(values: Record<string, unknown>) {
  return serverSettings((key) => values[key]);
}

async function withSession(
  settings: Record<string, unknown>,
  body: (session: Session, root: string) => Promise<void>,
): Promise<void> {
  const root = copyFixture();
  const session = await Session.start(root, fromSettingsJson(settings));
  try {
    await body(session, root);
  } finally {
    await session.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function codeActions(session: Session, uri: string, diagnostic: Diagnostic, only?: string[]) {
  const result: Array<CodeAction> | null = await session.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], triggerKind: 1, ...(only === undefined ? {} : { only }) },
  });
  return result ?? [];
}

function editsOf(action: CodeAction, uri: string) {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits !== undefined && edits.length > 0, `${action.title} has no edits for ${uri}`);
  return edits;
}

test('the server advertises the runtime commands, and none clashes with a palette command', async () => {
  await withSession({}, async (session) => {
    const advertised = session.initializeResult.capabilities.executeCommandProvider?.commands ?? [];
    for (const command of Object.values(SERVER_COMMANDS)) {
      assert.ok(advertised.includes(command), `server does not advertise ${command}: ${JSON.stringify(advertised)}`);
    }
    // vscode-languageclient registers advertised commands itself; a second registration would fail activation.
    const palette = Object.values(COMMANDS).map((c) => c.id as string);
    assert.deepEqual(advertised.filter((c) => palette.includes(c)), []);
  });
});

test('rule settings sent as initialization options apply without warnings', async () => {
  const settings = { severity: { 'unreceived-send': 'error' }, disable: ['ticker-not-stopped'] };
  await withSession(settings, async (session, root) => {
    const uri = await session.open(path.join(root, 'main.go'));
    const diagnostics = await session.diagnosticsWhere(uri, 'leakls', (d) => ruleCodes(d).length > 0);
    assert.deepEqual(
      fixtureFindings(diagnostics).map((d) => [d.code, d.severity, d.range.start.line]),
      [['unreceived-send', 1, lineOf(session.text(uri), SEND)]],
    );
    assert.deepEqual(session.messages, []);
  });
});

test('runtime settings sent as initialization options are accepted', async () => {
  const settings = {
    'runtime.libraryPrefixes': ['example.com/leakydemo/internal/log'],
    'runtime.watchIntervalSeconds': 2,
    'runtime.maxBytes': 1 << 20,
    'runtime.timeoutSeconds': 5,
  };
  assert.deepEqual(fromSettingsJson(settings), {
    runtime: {
      libraryPrefixes: ['example.com/leakydemo/internal/log'],
      watchIntervalSeconds: 2,
      maxBytes: 1 << 20,
      timeoutSeconds: 5,
    },
  });
  await withSession(settings, async (session, root) => {
    const uri = await session.open(path.join(root, 'main.go'));
    // Diagnostics come after any settings warning the server sends at start.
    await session.diagnosticsWhere(uri, 'leakls', bothFindings);
    assert.deepEqual(session.messages, []);
  });
});

test('changed settings arrive as the extension sends them, and unknown keys are reported', async () => {
  await withSession({}, async (session, root) => {
    const uri = await session.open(path.join(root, 'main.go'));
    await session.diagnosticsWhere(uri, 'leakls', bothFindings);
    const change = configurationChange(fromSettingsJson({ enable: ['ticker-not-stopped'], severity: { 'ticker-not-stopped': 'hint' } }));
    await session.connection.sendNotification('workspace/didChangeConfiguration', change);
    const after = await session.diagnosticsWhere(uri, 'leakls', (d) => d.length === 1);
    assert.deepEqual(
      after.map((d) => [d.code, d.severity, d.range.start.line]),
      [['ticker-not-stopped', 4, lineOf(session.text(uri), TICKER)]],
    );
    assert.deepEqual(session.messages, []);
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: { leakls: { enabled: [] } } });
    const warning = await session.until('a settings warning', () => session.messages[0]);
    assert.equal(warning.type, 2);
    assert.match(warning.message, /enabled/);
  });
});

test('quick fixes "Buffer the channel" and "Add `defer t.Stop()`" remove both findings', async () => {
  await withSession({}, async (session, root) => {
    const uri = await session.open(path.join(root, 'main.go'));
    const diagnostics = await session.diagnosticsWhere(uri, 'leakls', bothFindings);
    const byRule = new Map(diagnostics.map((d) => [d.code, d]));

    const all = await codeActions(session, uri, diagnostics[0]!, ['source.fixAll']);
    assert.deepEqual(all.map((a) => a.kind), ['source.fixAll.leakls']);
    assert.match(all[0]!.title, /^Fix all safe leakls findings \(\d+\)$/);

    const sendFixes = await codeActions(session, uri, byRule.get('unreceived-send')!);
    const buffer = sendFixes.find((a) => a.title === 'Buffer the channel');
    assert.ok(buffer, `no "Buffer the channel" among ${sendFixes.map((a) => a.title)}`);
    assert.equal(buffer.kind, 'quickfix');
    assert.equal(buffer.isPreferred, true);
    await session.applyEdits(uri, editsOf(buffer, uri));
    const remaining = await session.diagnosticsWhere(uri, 'leakls', (d) => ruleCodes(d).join() === 'ticker-not-stopped');

    const tickerFixes = await codeActions(session, uri, fixtureFindings(remaining)[0]!);
    const stop = tickerFixes.find((a) => a.title === 'Add `defer t.Stop()`');
    assert.ok(stop, `no "Add \`defer t.Stop()\`" among ${tickerFixes.map((a) => a.title)}`);
    await session.applyEdits(uri, editsOf(stop, uri));
    await session.diagnosticsWhere(uri, 'leakls', (d) => ruleCodes(d).length === 0);

    const fixed = session.text(uri);
    assert.match(fixed, /result := make\(chan string, 1\)/);
    assert.match(fixed, /\tt := time\.NewTicker\(time\.Millisecond\)\n\tdefer t\.Stop\(\)\n/);
  });
});

test('loadDump annotates the blocked send, reports its status, and clearDump removes it', async () => {
  await withSession({}, async (session, root) => {
    const uri = await session.open(path.join(root, 'main.go'));
    const sendLine = lineOf(session.text(uri), SEND);
    const status: RuntimeStatus = await session.connection.sendRequest(
      'workspace/executeCommand',
      loadDump(path.join(root, 'goroutines.txt')),
    );
    assert.equal(status.watching, false);
    assert.equal(status.snapshots, 1);
    assert.ok(status.groups >= 1 && status.hotSpots >= 1, JSON.stringify(status));
    const notified = await session.until('leakls/runtimeStatus', () => session.statuses.at(-1));
    assert.deepEqual(notified, status);

    const runtime = await session.diagnosticsWhere(uri, 'leakls-runtime', (d) => d.length > 0);
    const atSend = runtime.filter((d) => d.range.start.line === sendLine);
    assert.equal(atSend.length, 1, JSON.stringify(runtime));
    const message = JSON.stringify(atSend[0]!.message);
    assert.match(message, /3 goroutines/);
    assert.match(message, /chan send/);
    // The static finding is still there beside the runtime one.
    await session.diagnosticsWhere(uri, 'leakls', bothFindings);

    const hints: InlayHint[] | null = await session.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: session.text(uri).split('\n').length, character: 0 } },
    });
    assert.ok((hints ?? []).some((h) => h.position.line === sendLine), JSON.stringify(hints));

    const cleared: RuntimeStatus = await session.connection.sendRequest('workspace/executeCommand', clearDump());
    assert.deepEqual(cleared, { groups: 0, hotSpots: 0, watching: false, snapshots: 0 });
    await session.diagnosticsWhere(uri, 'leakls-runtime', (d) => d.length === 0);
  });
});

test('loading a missing dump fails with a message naming the file', async () => {
  await withSession({}, async (session, root) => {
    const missing = path.join(root, 'no-such-dump.txt');
    await assert.rejects(
      session.connection.sendRequest('workspace/executeCommand', loadDump(missing)),
      (error: Error) => error.message.includes('no-such-dump.txt'),
    );
  });
});

test('watch polls a pprof URL at the interval from the settings until stopWatching', async () => {
  const dump = fs.readFileSync(path.join(FIXTURE, 'goroutines.txt'));
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    assert.equal(request.url, '/debug/pprof/goroutine?debug=2');
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(dump);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof/goroutine?debug=2`;
  try {
    // As "leakls: Watch URL..." does: no interval argument, so the setting applies.
    await withSession({ 'runtime.watchIntervalSeconds': 1 }, async (session, root) => {
      const uri = await session.open(path.join(root, 'main.go'));
      const started: RuntimeStatus = await session.connection.sendRequest('workspace/executeCommand', watch(url));
      assert.equal(started.watching, true);
      const polled = await session.until('two watched snapshots', () =>
        session.statuses.find((s) => s.watching && s.snapshots >= 2),
      );
      assert.ok(polled.hotSpots >= 1, JSON.stringify(polled));
      await session.diagnosticsWhere(uri, 'leakls-runtime', (d) => d.length > 0);
      assert.ok(requests >= 2, `${requests} requests`);
      const stopped: RuntimeStatus = await session.connection.sendRequest('workspace/executeCommand', stopWatching());
      assert.equal(stopped.watching, false);
      const polls = requests;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(requests, polls, 'the server kept polling after stopWatching');
    });
  } finally {
    server.close();
  }
});
