// The extension's commands and the server's `workspace/executeCommand` contract.
// No `vscode` import: the tests check package.json and the real server against these.

/** Commands contributed to the palette, keyed by what they do. */
export const COMMANDS = {
  loadDumpFromFile: { id: 'leakls.loadDumpFromFile', title: 'Load Goroutine Dump from File...' },
  loadDumpFromUrl: { id: 'leakls.loadDumpFromUrl', title: 'Load Goroutine Dump from URL...' },
  watchUrl: { id: 'leakls.watchUrl', title: 'Watch URL...' },
  stopWatching: { id: 'leakls.stopWatchingUrl', title: 'Stop Watching' },
  clearRuntime: { id: 'leakls.clearRuntimeAnnotations', title: 'Clear Runtime Annotations' },
  restartServer: { id: 'leakls.restartServer', title: 'Restart Server' },
  showOutput: { id: 'leakls.showOutput', title: 'Show Output' },
} as const;

/**
 * Commands the server executes. vscode-languageclient registers each command the
 * server advertises as a VS Code command of the same name, so the palette
 * commands above must use other names.
 */
export const SERVER_COMMANDS = {
  loadDump: 'leakls.loadDump',
  watch: 'leakls.watch',
  stopWatching: 'leakls.stopWatching',
  clearDump: 'leakls.clearDump',
} as const;

export const DEFAULT_DUMP_URL = 'http://localhost:6060/debug/pprof/goroutine?debug=2';

/** What every runtime command returns, and `leakls/runtimeStatus` carries. */
export interface RuntimeStatus {
  groups: number;
  hotSpots: number;
  watching: boolean;
  snapshots: number;
}

export const RUNTIME_STATUS_NOTIFICATION = 'leakls/runtimeStatus';

export interface ExecuteCommandParams {
  command: string;
  arguments: unknown[];
}

/** `target` is an absolute file path or an http(s) URL. */
export function loadDump(target: string): ExecuteCommandParams {
  return { command: SERVER_COMMANDS.loadDump, arguments: [target] };
}

/** Without `intervalSeconds`, the server polls every `leakls.runtime.watchIntervalSeconds`. */
export function watch(url: string, intervalSeconds?: number): ExecuteCommandParams {
  return { command: SERVER_COMMANDS.watch, arguments: intervalSeconds === undefined ? [url] : [url, intervalSeconds] };
}

export function stopWatching(): ExecuteCommandParams {
  return { command: SERVER_COMMANDS.stopWatching, arguments: [] };
}

export function clearDump(): ExecuteCommandParams {
  return { command: SERVER_COMMANDS.clearDump, arguments: [] };
}

/** An error for the URL input box, or `undefined` when the URL can be fetched. */
export function urlProblem(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return 'Enter a URL such as ' + DEFAULT_DUMP_URL;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `leakls fetches dumps over http, not ${url.protocol.slice(0, -1)}`;
  }
  return undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The status bar text, or `undefined` when there is nothing to show. */
export function statusText(status: RuntimeStatus): string | undefined {
  if (!status.watching && status.snapshots === 0) {
    return undefined;
  }
  const spots = plural(status.hotSpots, 'hot spot', 'hot spots');
  return status.watching ? `leakls: ${spots}, watching` : `leakls: ${spots}`;
}

/** What the notification says once a dump is loaded. */
export function loadedText(status: RuntimeStatus): string {
  const groups = plural(status.groups, 'goroutine group', 'goroutine groups');
  return `leakls: loaded ${groups}; ${plural(status.hotSpots, 'hot spot', 'hot spots')} in this workspace.`;
}

export function statusTooltip(status: RuntimeStatus): string {
  const from = plural(status.snapshots, 'snapshot', 'snapshots');
  const groups = plural(status.groups, 'goroutine group', 'goroutine groups');
  return `${groups} from ${from}${status.watching ? ', watching' : ''}. Click for leakls commands.`;
}
