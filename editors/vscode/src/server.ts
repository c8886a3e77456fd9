// Finding the leakls binary: the `leakls.server.path` setting, else the binary
// bundled in a platform VSIX, else `leakls` on PATH. No `vscode` import, so the
// lookup is tested on real files.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type ServerLookup =
  | { found: true; path: string; from: 'setting' | 'bundled' | 'PATH' }
  | { found: false; message: string };

export interface LookupEnvironment {
  /** The extension's install directory. */
  extensionPath: string;
  /** `leakls.server.path`, empty when unset. */
  configuredPath: string;
  /** Where a relative `leakls.server.path` is resolved: the first workspace folder. */
  workspaceFolder: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
}

export const INSTALL_HELP =
  'Install the leakls VSIX built for your platform (it bundles the server), ' +
  'or run `cargo install --path .` in a leakls checkout to put `leakls` on PATH, ' +
  'or set `leakls.server.path` to the binary.';

function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'leakls.exe' : 'leakls';
}

/** The bundled binary's place in the extension: `server/<platform>-<arch>/leakls`. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform, arch: string): string {
  return path.join(extensionPath, 'server', `${platform}-${arch}`, executableName(platform));
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    // Windows has no execute bit; the `.exe` name is what counts there.
    fs.accessSync(file, platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

export function findServer(lookup: LookupEnvironment): ServerLookup {
  const configured = lookup.configuredPath.trim();
  if (configured !== '') {
    let file = expandHome(configured);
    if (!path.isAbsolute(file) && lookup.workspaceFolder !== undefined) {
      file = path.join(lookup.workspaceFolder, file);
    }
    if (isExecutableFile(file, lookup.platform)) {
      return { found: true, path: file, from: 'setting' };
    }
    // A wrong explicit setting is reported, not papered over by another binary.
    return {
      found: false,
      message: `leakls.server.path is set to "${configured}", which is not an executable file. Fix or clear the setting.`,
    };
  }
  const bundled = bundledServerPath(lookup.extensionPath, lookup.platform, lookup.arch);
  if (isExecutableFile(bundled, lookup.platform)) {
    return { found: true, path: bundled, from: 'bundled' };
  }
  const pathVariable = lookup.env['PATH'] ?? lookup.env['Path'] ?? '';
  const delimiter = lookup.platform === 'win32' ? ';' : ':';
  for (const dir of pathVariable.split(delimiter)) {
    if (dir === '') {
      continue;
    }
    const candidate = path.join(dir, executableName(lookup.platform));
    if (isExecutableFile(candidate, lookup.platform)) {
      return { found: true, path: candidate, from: 'PATH' };
    }
  }
  return {
    found: false,
    message: `The leakls language server was not found (no bundled binary for ${lookup.platform}-${lookup.arch}, no leakls on PATH). ${INSTALL_HELP}`,
  };
}

/** How the server is started; the extension hands this to vscode-languageclient unchanged. */
export function serverExecutable(serverPath: string): { command: string; args: string[] } {
  // No `transport`: vscode-languageclient would append `--stdio`; `serve` already speaks stdio.
  return { command: serverPath, args: ['serve'] };
}

/** The documents leakls serves. */
export const DOCUMENT_SELECTOR = [{ scheme: 'file', language: 'go' }];
