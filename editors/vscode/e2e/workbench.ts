// The leakls extension inside a real VS Code: code-server's workbench in
// headless Chromium, used as a person would. scripts/vscode-e2e.sh installs
// the VSIX, starts code-server and passes, as LEAKLS_E2E_* variables:
//   URL         code-server's address
//   FOLDER      a temp copy of examples/leaky-service, opened as the workspace
//   DUMP        a goroutine dump of that service (testdata/dumps/example/)
//   EXTENSIONS  code-server's extensions directory
//   LOGS        code-server's log directory (the leakls output channel is a log file there)
//   CHROMIUM    the browser binary
//   SHOTS       where the screenshot of each step goes
//
//   node out/e2e/workbench.js

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium } from 'playwright-core';

import { COMMANDS, loadedText, statusText } from '../src/commands';
import { bundledServerPath } from '../src/server';
import { type Problem, Workbench, poll } from './workbench-ui';

function setting(name: string): string {
  const value = process.env[`LEAKLS_E2E_${name}`];
  if (value === undefined || value === '') {
    throw new Error(`LEAKLS_E2E_${name} is not set; run scripts/vscode-e2e.sh`);
  }
  return value;
}

const URL = setting('URL');
const FOLDER = setting('FOLDER');
const DUMP = setting('DUMP');
const EXTENSIONS = setting('EXTENSIONS');
const LOGS = setting('LOGS');
const CHROMIUM = setting('CHROMIUM');
const SHOTS = setting('SHOTS');

/** A palette entry as VS Code lists it: "category: title". */
function palette(command: { title: string }): string {
  return `leakls: ${command.title}`;
}

/** The 1-based lines the example marks `// LEAK: <rule>`. */
function leakLines(file: string, rule: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.endsWith(`// LEAK: ${rule}`) ? [i + 1] : []));
}

function assertGofmtClean(file: string): void {
  const unformatted = execFileSync('gofmt', ['-l', file], { encoding: 'utf8' });
  assert.equal(unformatted, '', `gofmt -l lists ${file}:\n${fs.readFileSync(file, 'utf8')}`);
}

/** The lines of `file`'s problems from `source`, sorted. */
function linesOf(problems: Problem[], file: string, source: string): number[] {
  return problems
    .filter((p) => p.file === file && p.source === source)
    .map((p) => p.line)
    .sort((a, b) => a - b);
}

function sameLines(problems: Problem[], file: string, source: string, expected: number[]): boolean {
  return JSON.stringify(linesOf(problems, file, source)) === JSON.stringify(expected);
}

/** Waits until `file` on disk differs from `before`, and returns it. */
function changedOnDisk(file: string, before: string): Promise<string> {
  return poll(`${path.basename(file)} to be saved`, async () => {
    const now = fs.readFileSync(file, 'utf8');
    return now === before ? undefined : now;
  });
}

class Scenario {
  private shots = 0;
  private readonly started = Date.now();

  constructor(private readonly ui: Workbench) {}

  private async done(step: string): Promise<void> {
    this.shots += 1;
    const file = path.join(SHOTS, `${String(this.shots).padStart(2, '0')}-${step}.png`);
    await this.ui.screenshot(file);
    console.log(`workbench.ts: ok ${step} (${((Date.now() - this.started) / 1000).toFixed(1)} s)`);
  }

  /** Opens the workspace and waits for the leakls findings of quotes.go in the Problems panel and the editor. */
  async diagnostics(): Promise<void> {
    await this.ui.page.goto(`${URL}/?${new URLSearchParams({ folder: FOLDER })}`);
    await this.ui.waitUntilLoaded();
    await this.ui.showProblems();
    await this.ui.openFile('quotes.go');
    const expected = leakLines(path.join(FOLDER, 'quotes.go'), 'unreceived-send');
    const problems = await this.ui.waitForProblems('the unreceived-send findings of quotes.go', (found) =>
      sameLines(found, 'quotes.go', 'leakls', expected),
    );
    for (const problem of problems.filter((p) => p.source === 'leakls')) {
      assert.equal(problem.code, 'unreceived-send', JSON.stringify(problem));
    }
    await this.ui.editor('quotes.go').locator('[class*="squiggly-"]').first().waitFor();
    await this.done('diagnostics');
  }

  /**
   * Puts the cursor on the finding at `line` of `file`, applies the quick fix `title`
   * and saves; the file on disk must be gofmt-clean and only that finding gone.
   * Returns the saved text.
   */
  async quickFix(file: string, rule: string, line: number, title: string, step: string): Promise<string> {
    const disk = path.join(FOLDER, file);
    const before = fs.readFileSync(disk, 'utf8');
    const problems = await this.ui.waitForProblems(`the ${rule} findings of ${file}`, (found) =>
      sameLines(found, file, 'leakls', leakLines(disk, rule)),
    );
    const target = problems.find((p) => p.file === file && p.source === 'leakls' && p.line === line);
    assert.ok(target, `no finding at ${file}:${line}: ${JSON.stringify(problems)}`);
    await this.ui.goToProblem(target);
    await this.ui.applyQuickFix(file, line, title);
    await this.ui.save();
    const after = await changedOnDisk(disk, before);
    assertGofmtClean(disk);
    // The fixed statement keeps its LEAK comment; every other seeded leak is still reported.
    const remaining = leakLines(disk, rule).filter((l) => l !== line);
    await this.ui.waitForProblems(`the fixed finding at ${file}:${line} to go`, (found) =>
      sameLines(found, file, 'leakls', remaining),
    );
    await this.done(step);
    return after;
  }

  async bufferTheChannel(): Promise<void> {
    // quoteAll's send; quoteHandler's stays for the runtime step.
    const line = leakLines(path.join(FOLDER, 'quotes.go'), 'unreceived-send')[1]!;
    const saved = await this.quickFix('quotes.go', 'unreceived-send', line, 'Buffer the channel', 'buffer-the-channel');
    assert.match(saved, /\tanswer := make\(chan float64, 1\)\n/);
  }

  async deferStop(): Promise<void> {
    await this.ui.openFile('inventory.go');
    // stockHandler's timer, the last leak of the file: the lines the dump names stay where they were.
    const line = leakLines(path.join(FOLDER, 'inventory.go'), 'ticker-not-stopped')[1]!;
    const saved = await this.quickFix('inventory.go', 'ticker-not-stopped', line, 'Add `defer wait.Stop()`', 'defer-stop');
    assert.equal(saved.split('\n')[line], '\tdefer wait.Stop()', saved);
  }

  /**
   * Loads the dump through the palette and its file dialog. Its 6 groups wait at
   * 4 lines of the workspace: 9 goroutines on quoteHandler's send (quotes.go:32),
   * the two pollers' selects (inventory.go:25 and :39) and main's ListenAndServe
   * (main.go:27). The send line gets a runtime diagnostic, the status bar shows
   * the overlay, and its menu then clears the annotations.
   */
  async runtimeOverlay(sendLine: number): Promise<void> {
    await this.ui.openFile('quotes.go');
    await this.ui.runCommand(palette(COMMANDS.loadDumpFromFile));
    await this.ui.pickFile(DUMP);
    const status = this.ui.statusItem(/^leakls: \d+ hot spots?$/);
    await status.waitFor();
    const loaded = { groups: 6, hotSpots: 4, watching: false, snapshots: 1 };
    assert.equal(await status.innerText(), statusText(loaded));
    await this.ui.notification(loadedText(loaded)).waitFor();
    const problems = await this.ui.waitForProblems('the runtime annotation of quotes.go', (found) =>
      sameLines(found, 'quotes.go', 'leakls-runtime', [sendLine]),
    );
    const runtime = problems.find((p) => p.file === 'quotes.go' && p.source === 'leakls-runtime')!;
    assert.match(runtime.message, /^9 goroutines blocked here \[chan send\]/);
    await this.ui.goToProblem(runtime);
    await this.done('runtime-annotation');

    // The status item opens the palette on the leakls commands.
    await status.click();
    const clear = this.ui.page.locator('.quick-input-widget .monaco-list-row', {
      has: this.ui.page.getByText(palette(COMMANDS.clearRuntime), { exact: true }),
    });
    await clear.click();
    await status.waitFor({ state: 'hidden' });
    await this.ui.waitForProblems('the runtime annotation to go', (found) =>
      sameLines(found, 'quotes.go', 'leakls-runtime', []),
    );
    await this.done('runtime-cleared');
  }

  /** With `leakls.server.path` unset, the bundled binary runs, and the output channel says so. */
  async bundledServer(): Promise<void> {
    await this.ui.runCommand(palette(COMMANDS.showOutput));
    await this.ui.filterOutput('found via');
    await this.ui.page.locator('.output-view', { hasText: '(found via bundled)' }).waitFor();
    await this.done('output-channel');
    const channel = findFile(LOGS, (file) => file.endsWith(path.join('leakls.leakls', 'leakls.log')));
    const started = /starting (\S+) \(found via (\w+)\)/.exec(fs.readFileSync(channel, 'utf8'));
    assert.ok(started, `no "starting" line in ${channel}`);
    const [, serverPath, from] = started;
    assert.equal(from, 'bundled');
    const extension = fs.readdirSync(EXTENSIONS).find((dir) => dir.startsWith('leakls.leakls-'));
    assert.ok(extension, `leakls is not installed in ${EXTENSIONS}`);
    assert.equal(serverPath, bundledServerPath(path.join(EXTENSIONS, extension), process.platform, process.arch));
    assert.ok(isRunning(serverPath!, ['serve']), `no running "${serverPath} serve"`);
  }
}

function findFile(dir: string, wanted: (file: string) => boolean): string {
  const found = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => path.join(dir, entry))
    .find(wanted);
  assert.ok(found, `no such file under ${dir}`);
  return found;
}

/** Whether a process runs `program` with `args` (Linux: from /proc). */
function isRunning(program: string, args: string[]): boolean {
  const wanted = [program, ...args].join('\0');
  return fs.readdirSync('/proc').some((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '') === wanted;
    } catch {
      return false;
    }
  });
}

async function main(): Promise<void> {
  const sendLine = leakLines(path.join(FOLDER, 'quotes.go'), 'unreceived-send')[0]!;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    page.setDefaultTimeout(60_000);
    const ui = new Workbench(page);
    const scenario = new Scenario(ui);
    try {
      await scenario.diagnostics();
      await scenario.bufferTheChannel();
      await scenario.deferStop();
      await scenario.runtimeOverlay(sendLine);
      await scenario.bundledServer();
    } catch (error) {
      await ui.screenshot(path.join(SHOTS, 'failure.png')).catch(() => undefined);
      throw error;
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
