// The VS Code side of leakls: starts `leakls serve` for Go files, forwards the
// `leakls.*` settings, and drives the server's goroutine-dump commands.

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  State,
} from 'vscode-languageclient/node';

import {
  COMMANDS,
  DEFAULT_DUMP_URL,
  type ExecuteCommandParams,
  RUNTIME_STATUS_NOTIFICATION,
  type RuntimeStatus,
  clearDump,
  loadDump,
  loadedText,
  statusText,
  statusTooltip,
  stopWatching,
  urlProblem,
  watch,
} from './commands';
import { DOCUMENT_SELECTOR, findServer, serverExecutable } from './server';
import { SERVER_KEYS, type ServerSettings, configurationChange, serverSettings } from './settings';

/** Only explicitly set values: unset ones leave `leakls.toml` and the server's defaults in force. */
function currentServerSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('leakls');
  return serverSettings((key) => {
    const value = config.inspect(key);
    return value?.workspaceFolderValue ?? value?.workspaceValue ?? value?.globalValue;
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class Leakls {
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel('leakls', { log: true });
  private readonly statusItem = vscode.window.createStatusBarItem(
    'leakls.runtime',
    vscode.StatusBarAlignment.Left,
  );

  constructor(private readonly extensionPath: string) {
    this.statusItem.name = 'leakls runtime overlay';
    // Opens the command palette on the leakls commands.
    this.statusItem.command = {
      title: 'leakls commands',
      command: 'workbench.action.quickOpen',
      arguments: ['>leakls: '],
    };
  }

  register(context: vscode.ExtensionContext): void {
    const command = (id: string, run: () => unknown) =>
      context.subscriptions.push(vscode.commands.registerCommand(id, run));
    command(COMMANDS.loadDumpFromFile.id, () => this.loadDumpFromFile());
    command(COMMANDS.loadDumpFromUrl.id, () => this.loadDumpFromUrl());
    command(COMMANDS.watchUrl.id, () => this.watchUrl());
    command(COMMANDS.stopWatching.id, () => this.execute(stopWatching(), 'Stopped watching.'));
    command(COMMANDS.clearRuntime.id, () => this.execute(clearDump(), 'Runtime annotations cleared.'));
    command(COMMANDS.restartServer.id, () => this.restart());
    command(COMMANDS.showOutput.id, () => this.output.show(true));
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => this.configurationChanged(event)),
      this.statusItem,
      this.output,
    );
  }

  async start(): Promise<void> {
    const config = vscode.workspace.getConfiguration('leakls');
    const lookup = findServer({
      extensionPath: this.extensionPath,
      configuredPath: config.get<string>('server.path') ?? '',
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      platform: process.platform,
      arch: process.arch,
      env: process.env,
    });
    if (!lookup.found) {
      this.output.error(lookup.message);
      void vscode.window.showErrorMessage(lookup.message, 'Open Settings').then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'leakls.server.path');
        }
      });
      return;
    }
    this.output.info(`starting ${lookup.path} (found via ${lookup.from})`);
    const client = new LanguageClient('leakls', 'leakls', serverExecutable(lookup.path), {
      documentSelector: DOCUMENT_SELECTOR,
      initializationOptions: currentServerSettings(),
      outputChannel: this.output,
      // No `synchronize.configurationSection`: it would also send `server.path` and
      // `trace.server`, which the server rejects as unknown; `configurationChanged` sends the rest.
    });
    client.onNotification(RUNTIME_STATUS_NOTIFICATION, (status: RuntimeStatus) => this.showStatus(status));
    client.onDidChangeState((change) => {
      if (change.newState === State.Stopped) {
        this.showStatus(undefined);
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`the server failed to start: ${errorText(error)}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.showStatus(undefined);
    if (client !== undefined) {
      await client.dispose();
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private configurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration('leakls.server.path')) {
      void this.restart();
      return;
    }
    const client = this.client;
    if (client?.isRunning() && SERVER_KEYS.some((key) => event.affectsConfiguration(`leakls.${key}`))) {
      void client.sendNotification(DidChangeConfigurationNotification.type, configurationChange(currentServerSettings()));
    }
  }

  private showStatus(status: RuntimeStatus | undefined): void {
    const text = status === undefined ? undefined : statusText(status);
    if (status === undefined || text === undefined) {
      this.statusItem.hide();
      return;
    }
    this.statusItem.text = text;
    this.statusItem.tooltip = statusTooltip(status);
    this.statusItem.show();
  }

  /** Runs a server command; returns its status, or `undefined` after telling the user why not. */
  private async execute(params: ExecuteCommandParams, done?: string): Promise<RuntimeStatus | undefined> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      void vscode.window.showErrorMessage(
        `leakls: the server is not running. Run "leakls: ${COMMANDS.restartServer.title}" or see "leakls: ${COMMANDS.showOutput.title}".`,
      );
      return undefined;
    }
    try {
      const status = (await client.sendRequest(ExecuteCommandRequest.type, params)) as RuntimeStatus;
      this.showStatus(status);
      if (done !== undefined) {
        void vscode.window.showInformationMessage(`leakls: ${done}`);
      }
      return status;
    } catch (error) {
      void vscode.window.showErrorMessage(`leakls: ${errorText(error)}`);
      return undefined;
    }
  }

  private async load(target: string): Promise<void> {
    const status = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `leakls: loading ${target}` },
      () => this.execute(loadDump(target)),
    );
    if (status !== undefined) {
      void vscode.window.showInformationMessage(loadedText(status));
    }
  }

  private async loadDumpFromFile(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      title: 'Load a goroutine dump',
      canSelectMany: false,
      openLabel: 'Load Dump',
      filters: { 'Goroutine dumps': ['txt', 'gz', 'pb', 'json', 'log', 'prof'], 'All files': ['*'] },
    });
    const file = picked?.[0];
    if (file !== undefined) {
      await this.load(file.fsPath);
    }
  }

  private async askUrl(title: string): Promise<string | undefined> {
    const url = await vscode.window.showInputBox({
      title,
      value: DEFAULT_DUMP_URL,
      prompt: 'A pprof goroutine endpoint of a running Go program',
      validateInput: urlProblem,
    });
    return url?.trim();
  }

  private async loadDumpFromUrl(): Promise<void> {
    const url = await this.askUrl('Load a goroutine dump from a URL');
    if (url !== undefined) {
      await this.load(url);
    }
  }

  private async watchUrl(): Promise<void> {
    const url = await this.askUrl('Watch a goroutine endpoint');
    if (url === undefined) {
      return;
    }
    // The server polls at `leakls.runtime.watchIntervalSeconds`, which it has with the other settings.
    await this.execute(watch(url), `watching ${url}.`);
  }
}

let leakls: Leakls | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  leakls = new Leakls(context.extensionPath);
  leakls.register(context);
  await leakls.start();
}

export async function deactivate(): Promise<void> {
  await leakls?.stop();
  leakls = undefined;
}
