// The `leakls.*` settings the server understands, as initialization options and
// `workspace/didChangeConfiguration` payloads. Kept free of the `vscode` module
// so the tests can drive the real server with exactly what the extension sends.

/** Settings keys (below `leakls.`) passed to the server, in the server's own nesting. */
export const SERVER_KEYS = [
  'enable',
  'disable',
  'severity',
  'tests.failurePaths',
  'runtime.libraryPrefixes',
  'runtime.watchIntervalSeconds',
  'runtime.maxBytes',
  'runtime.timeoutSeconds',
  'maxFileSizeMib',
] as const;

/** Settings only the extension reads; the server rejects unknown keys, so these are never sent. */
export const CLIENT_KEYS = ['server.path', 'trace.server'] as const;

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export type ServerSettings = {
  enable?: string[];
  disable?: string[];
  severity?: Record<string, Severity>;
  tests?: {
    failurePaths?: 'hint' | 'report';
  };
  runtime?: {
    libraryPrefixes?: string[];
    watchIntervalSeconds?: number;
    maxBytes?: number;
    timeoutSeconds?: number;
  };
  maxFileSizeMib?: number;
};

/**
 * Builds the server's settings from the values the user set explicitly.
 * `userValue(key)` returns the value of `leakls.<key>` set in user, workspace or
 * folder settings, or `undefined` when it is only the default: unset keys are
 * left out so that `leakls.toml` and the server's defaults apply to them.
 */
export function serverSettings(userValue: (key: string) => unknown): ServerSettings {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = userValue(key);
    if (value === undefined || value === null) {
      continue;
    }
    const parts = key.split('.');
    let table = settings;
    for (const part of parts.slice(0, -1)) {
      table = (table[part] ??= {}) as Record<string, unknown>;
    }
    table[parts[parts.length - 1]!] = value;
  }
  return settings as ServerSettings;
}

/** The `workspace/didChangeConfiguration` parameters for new settings. */
export function configurationChange(settings: ServerSettings): { settings: { leakls: ServerSettings } } {
  return { settings: { leakls: settings } };
}
