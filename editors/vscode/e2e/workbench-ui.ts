// What a user does in the VS Code workbench, on its DOM: open a file from the
// Explorer, run a palette command, read the Problems table and the status bar,
// pick a quick fix. Selectors are those of VS Code 1.100's workbench.

import * as path from 'node:path';

import type { Locator, Page } from 'playwright-core';

/** One row of the Problems panel in table mode. */
export interface Problem {
  source: string;
  /** The diagnostic's code (the rule name), empty when it has none. */
  code: string;
  message: string;
  file: string;
  /** 1-based, as the panel shows it. */
  line: number;
}

export class Workbench {
  constructor(readonly page: Page) {}

  async waitUntilLoaded(): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  }

  /** Opens a file of the workspace root by clicking it in the Explorer. */
  async openFile(name: string): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).click();
    await this.page.locator('.tab.active', { hasText: name }).waitFor();
    await this.editor(name).waitFor();
  }

  /** The editor showing the file `name`. */
  editor(name: string): Locator {
    return this.page.locator(`.editor-instance .monaco-editor[data-uri$="/${name}"]`);
  }

  /** Runs a command from the command palette by its full title, as it is listed there. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page
      .locator('.quick-input-widget .monaco-list-row.focused', { has: this.page.getByText(title, { exact: true }) })
      .waitFor();
    await this.page.keyboard.press('Enter');
  }

  /**
   * Answers an open-file dialog. code-server has no native one: VS Code's simple
   * file dialog is a quick input that starts on a folder path and lists it. While
   * it loads that folder it can reset the path typed, so the path is typed again
   * until the dialog lists the file's folder with the path still in place.
   */
  async pickFile(file: string): Promise<void> {
    const dialog = this.page.locator('.quick-input-widget');
    const input = dialog.locator('.quick-input-box input');
    const rows = dialog.locator('.monaco-list-row');
    const fileRow = rows.filter({ has: this.page.getByText(path.basename(file), { exact: true }) });
    await poll('the file dialog to list a folder', async () => ((await rows.count()) > 1 ? true : undefined));
    await poll(`the file dialog to hold ${file}`, async () => {
      if ((await input.inputValue()) !== file) {
        await input.fill(file);
      }
      return (await fileRow.count()) > 0 && (await input.inputValue()) === file ? true : undefined;
    });
    await this.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
  }

  /** Shows the Problems panel (set to table mode in the settings) and keeps it open. */
  async showProblems(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor();
  }

  /** Types into the Output view's filter box, which then shows only the lines containing `text`. */
  async filterOutput(text: string): Promise<void> {
    await this.page.locator('.output-view').waitFor();
    await this.page.locator('.panel .viewpane-filter input').fill(text);
  }

  private problemRows(): Locator {
    return this.page.locator('.markers-panel .markers-table-container .monaco-list-row');
  }

  /**
   * Waits until the rows of the Problems table satisfy `done`, and returns them.
   * A row being laid out has no line breaks in its text yet: then it reads again.
   */
  async waitForProblems(what: string, done: (problems: Problem[]) => boolean): Promise<Problem[]> {
    let last: string[] = [];
    try {
      return await poll(what, async () => {
        last = await this.problemRows().allInnerTexts();
        const problems = last.map(parseProblemRow);
        return problems.every((p) => p !== undefined) && done(problems) ? problems : undefined;
      });
    } catch (error) {
      throw new Error(`${errorText(error)}; the Problems panel shows ${JSON.stringify(last, null, 1)}`);
    }
  }

  /** Puts the cursor on a problem as a user does: a double click on its row in the Problems panel. */
  async goToProblem(problem: Problem): Promise<void> {
    await this.problemRows()
      .filter({ hasText: problem.message })
      .filter({ hasText: `[Ln ${problem.line},` })
      .dblclick();
    await this.editor(problem.file).and(this.page.locator('.focused')).waitFor();
    await this.statusItem(new RegExp(`^Ln ${problem.line}, Col `)).waitFor();
  }

  /**
   * Opens the quick-fix menu (Ctrl+.) at the cursor, on `line` of `file`, and picks
   * the action titled `title`. It waits for the light bulb on that line first, as a
   * user does. Right after the cursor moved there, VS Code 1.100 sometimes answers
   * Ctrl+. with "No code actions available" although the server's reply (in the
   * trace) holds the fixes; a user presses Ctrl+. again, and so does this, twice at most.
   */
  async applyQuickFix(file: string, line: number, title: string): Promise<void> {
    await this.waitForLightBulb(file, line);
    const menu = this.page.locator('.action-widget');
    const nothing = this.editor(file).locator('.message', { hasText: 'No code actions available' });
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+.');
      const shown = await poll('the quick-fix menu', async () => {
        if (await menu.isVisible()) {
          return 'menu';
        }
        return (await nothing.isVisible()) ? 'nothing' : undefined;
      });
      if (shown === 'menu') {
        break;
      }
      if (attempt === 3) {
        throw new Error(`Ctrl+. on ${file}:${line} found no code actions ${attempt} times`);
      }
      console.log(`workbench-ui.ts: Ctrl+. on ${file}:${line} found no code actions; pressing it again`);
      await this.page.keyboard.press('Escape');
      await nothing.waitFor({ state: 'hidden' });
    }
    const actions = menu.locator('.monaco-list-row.action');
    await actions.first().waitFor();
    const titles = (await actions.allInnerTexts()).map((text) => text.trim());
    const index = titles.indexOf(title);
    if (index < 0) {
      throw new Error(`the quick-fix menu offers ${JSON.stringify(titles)}, not "${title}"`);
    }
    // The menu opens on its first action; a user goes down to the one wanted.
    for (let i = 0; i < index; i++) {
      await this.page.keyboard.press('ArrowDown');
    }
    await actions.nth(index).and(this.page.locator('.focused')).waitFor();
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
  }

  /** Waits for a light bulb level with `line`'s number in the editor of `file`. */
  private async waitForLightBulb(file: string, line: number): Promise<void> {
    const editor = this.editor(file);
    const lineNumber = editor.locator('.line-numbers').getByText(String(line), { exact: true });
    const bulbs = editor.locator('[class*="codicon-light"]');
    await poll(`the light bulb on line ${line} of ${file}`, async () => {
      const row = await lineNumber.boundingBox();
      if (row === null) {
        return undefined;
      }
      for (const bulb of await bulbs.all()) {
        const box = await bulb.boundingBox();
        const middle = box === null ? -1 : box.y + box.height / 2;
        if (middle >= row.y && middle <= row.y + row.height) {
          return true;
        }
      }
      return undefined;
    });
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
  }

  /** The status bar entries whose text matches `text`. */
  statusItem(text: RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  /** A notification toast saying `text`. */
  notification(text: string): Locator {
    return this.page.locator('.notification-toast .notification-list-item-message', {
      has: this.page.getByText(text, { exact: true }),
    });
  }

  async screenshot(file: string): Promise<void> {
    await this.page.screenshot({ path: file });
  }
}

const POSITION = /^(.*)\[Ln (\d+), Col \d+\]$/;

/**
 * A table row's text is four lines: source and code run together ("leaklsunreceived-send",
 * or "-" without a code), message, file and position ("quotes.go[Ln 32, Col 3]"), source.
 * Anything else is `undefined`.
 */
export function parseProblemRow(text: string): Problem | undefined {
  const lines = text.split('\n').map((line) => line.trim());
  const where = POSITION.exec(lines[2] ?? '');
  const source = lines[3] ?? '';
  const sourceAndCode = lines[0] === '-' ? source : lines[0]!;
  if (lines.length !== 4 || where === null || !sourceAndCode.startsWith(source)) {
    return undefined;
  }
  return {
    source,
    code: sourceAndCode.slice(source.length),
    message: lines[1]!,
    file: where[1]!,
    line: Number(where[2]),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const POLL_TIMEOUT_MS = 60_000;

/** Calls `probe` until it returns a value; fails naming `what` after a minute. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + POLL_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
