// A language client session with the real leakls binary, over the same
// protocol stack vscode-languageclient uses, configured as the extension
// configures its client (server command, initialization options, UTF-16
// positions as VS Code offers).

import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ShowMessageParams,
  type TextEdit,
  type InitializeResult,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';

import { RUNTIME_STATUS_NOTIFICATION, type RuntimeStatus } from '../src/commands';
import { findServer, serverExecutable } from '../src/server';
import type { ServerSettings } from '../src/settings';

/** The fixture both editor test suites use: a Go module that leaks, and a dump it printed. */
export const FIXTURE = path.join(__dirname, '..', '..', '..', 'testdata', 'leakydemo');

/**
 * The binary under test, found the way the extension finds it, with
 * `LEAKLS_SERVER_PATH` in the role of the `leakls.server.path` setting.
 */
function serverPath(): string {
  const lookup = findServer({
    extensionPath: path.join(__dirname, '..', '..'),
    configuredPath: process.env['LEAKLS_SERVER_PATH'] ?? '',
    workspaceFolder: process.cwd(),
    platform: process.platform,
    arch: process.arch,
    env: process.env,
  });
  if (!lookup.found) {
    throw new Error(`${lookup.message} (tests: set LEAKLS_SERVER_PATH; scripts/test.sh does)`);
  }
  return lookup.path;
}

/** A fresh copy of the fixture module in a temp dir. */
export function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakls-vscode-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

const TIMEOUT_MS = 20_000;

/** The client capabilities relevant to leakls, as VS Code 1.91 sends them. */
const CAPABILITIES = {
  general: { positionEncodings: ['utf-16'] },
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    executeCommand: { dynamicRegistration: true },
    configuration: true,
    workspaceFolders: true,
    inlayHint: { refreshSupport: true },
    codeLens: { refreshSupport: true },
    diagnostics: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: false,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: {
        codeActionKind: {
          valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
        },
      },
      honorsChangeAnnotations: true,
    },
    inlayHint: { dynamicRegistration: true, resolveSupport: { properties: ['tooltip', 'label.tooltip'] } },
    codeLens: { dynamicRegistration: true },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
  },
  window: { workDoneProgress: true, showMessage: { messageActionItem: { additionalPropertiesSupport: true } } },
};

export class Session {
  readonly messages: ShowMessageParams[] = [];
  readonly statuses: RuntimeStatus[] = [];
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();

  private constructor(
    private readonly process: ChildProcess,
    private readonly stderr: { text: string },
    readonly connection: ProtocolConnection,
    readonly initializeResult: InitializeResult,
  ) {}

  /** Starts the server for the workspace folder `root` with these initialization options. */
  static async start(root: string, initializationOptions: ServerSettings): Promise<Session> {
    const executable = serverExecutable(serverPath());
    const child = spawn(executable.command, executable.args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr = { text: '' };
    child.stderr!.on('data', (chunk: Buffer) => (stderr.text += chunk.toString()));
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    // Filled in once the session exists; messages can arrive during `initialize`.
    let session: Session | undefined;
    const early: Array<(s: Session) => void> = [];
    const deliver = (f: (s: Session) => void): void => {
      if (session === undefined) {
        early.push(f);
      } else {
        f(session);
      }
    };
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) =>
      deliver((s) => s.record(() => s.diagnostics.set(p.uri, p.diagnostics))),
    );
    connection.onNotification('window/showMessage', (p: ShowMessageParams) =>
      deliver((s) => s.record(() => s.messages.push(p))),
    );
    connection.onNotification(RUNTIME_STATUS_NOTIFICATION, (p: RuntimeStatus) =>
      deliver((s) => s.record(() => s.statuses.push(p))),
    );
    connection.onNotification('window/logMessage', () => undefined);
    // Requests the server sends to VS Code; VS Code acknowledges them with `null`.
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.listen();
    const rootUri = pathToFileURL(root).href;
    const result: InitializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.91.0' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities: CAPABILITIES,
      initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    session = new Session(child, stderr, connection, result);
    for (const f of early) {
      f(session);
    }
    return session;
  }

  private record(change: () => void): void {
    change();
    for (const wake of this.waiters.splice(0)) {
      wake();
    }
  }

  /** Waits until `check` returns a value other than `undefined`, re-checking after each message. */
  async until<T>(what: string, check: () => T | undefined, timeoutMs = TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) {
        return value;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr.text}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for diagnostics of `uri` from `source` that satisfy `accept`. */
  diagnosticsWhere(uri: string, source: string, accept: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    return this.until(`${source} diagnostics of ${uri}`, () => {
      const all = this.diagnostics.get(uri);
      const mine = all?.filter((d) => d.source === source);
      return mine !== undefined && accept(mine) ? mine : undefined;
    });
  }

  async open(file: string): Promise<string> {
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'go', version: 1, text },
    });
    return uri;
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  /** Applies edits as VS Code does: to the buffer, then as incremental changes, last edit first. */
  async applyEdits(uri: string, edits: TextEdit[]): Promise<number> {
    const sorted = [...edits].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    );
    let text = this.text(uri);
    for (const edit of sorted) {
      text = applyEdit(text, edit);
    }
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
    });
    return version;
  }

  async close(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      await new Promise<void>((resolve) => {
        if (this.process.exitCode !== null || this.process.signalCode !== null) {
          resolve();
          return;
        }
        const timer = setTimeout(() => this.process.kill(), 5000);
        this.process.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Offsets in UTF-16 code units, as JavaScript strings index: the encoding VS Code negotiates. */
function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) {
      return text.length;
    }
    offset = next + 1;
  }
  return Math.min(offset + character, text.length);
}

function applyEdit(text: string, edit: TextEdit): string {
  const start = offsetAt(text, edit.range.start.line, edit.range.start.character);
  const end = offsetAt(text, edit.range.end.line, edit.range.end.character);
  return text.slice(0, start) + edit.newText + text.slice(end);
}
