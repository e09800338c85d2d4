/**
 * An actor: one named user in a browser context of their own (own storage,
 * own sockets), with a name and colour in presence and a network link the
 * test can cut, heal and slow down (network.ts).
 */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { readDocument, plainText, type BlockState } from './documentState';
import { NetworkLink } from './network';

/** Where `type()` puts the caret: the document's start or end, the end of the n-th text block (0-based), or right after a piece of text. */
export type CaretTarget = 'start' | 'end' | { block: number } | { after: string };

/**
 * slate-react reads the DOM selection on `selectionchange`, throttled to
 * 100 ms; keys typed sooner can land at the old caret. Waiting out the
 * throttle is synchronisation with the editor, not a timing assertion.
 */
export const SELECTION_THROTTLE_MS = 150;

export class Actor {
  constructor(
    readonly name: string,
    readonly context: BrowserContext,
    public page: Page,
    /** This actor's sockets to the relay (cut, heal, delay). */
    readonly network: NetworkLink = new NetworkLink(),
  ) {}

  get editor(): Locator {
    return this.page.locator('[data-slate-editor]');
  }

  /** Opens a document and waits until its body is editable. */
  async open(room: string, baseURL?: string): Promise<void> {
    await this.page.goto(`${baseURL ?? ''}/d/${room}`);
    await expect(this.editor).toBeVisible();
    await expect(this.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  }

  /** A fresh tab in the same context (same browser profile, same network link). */
  async newTab(): Promise<Page> {
    this.page = await this.context.newPage();
    return this.page;
  }

  /** The document as the user sees it: blocks with types, text runs with marks. */
  document(): Promise<BlockState[]> {
    return readDocument(this.page);
  }

  async text(): Promise<string> {
    return plainText(await this.document());
  }

  /** Waits until the relay has stored every edit of this tab (the `saved` badge). */
  async waitSaved(options: { timeout?: number } = {}): Promise<void> {
    await expect(this.page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', options);
  }

  /** Puts the caret at the very end of the document. */
  async caretToEnd(): Promise<void> {
    await this.moveCaret('Control+End');
  }

  /** Puts the caret at the very start of the document. */
  async caretToStart(): Promise<void> {
    await this.moveCaret('Control+Home');
  }

  /** Puts the caret at `target` and waits until the editor has taken it. */
  async placeCaret(target: CaretTarget): Promise<void> {
    if (target === 'end') return this.caretToEnd();
    if (target === 'start') return this.caretToStart();
    await this.editor.click();
    const placed = await this.page.evaluate((where) => {
      const root = document.querySelector('[data-slate-editor]');
      if (!root) return 'no editor';
      const selection = window.getSelection()!;
      const range = document.createRange();
      if ('after' in where) {
        for (const string of root.querySelectorAll('[data-slate-string]')) {
          const node = string.firstChild;
          const at = node?.textContent?.indexOf(where.after) ?? -1;
          if (node && at >= 0) {
            range.setStart(node, at + where.after.length);
            range.collapse(true);
            selection.removeAllRanges();
            selection.addRange(range);
            return null;
          }
        }
        return `no text ${JSON.stringify(where.after)} in one run of the document`;
      }
      // Text blocks: elements with a block type and no block inside (a list's items, not the list).
      const blocks = [...root.querySelectorAll('[data-block-type]')].filter((el) => !el.querySelector('[data-block-type]'));
      const block = blocks[where.block];
      if (!block) return `no block ${where.block} (the document has ${blocks.length})`;
      const leaves = block.querySelectorAll('[data-slate-string], [data-slate-zero-width]');
      const last = leaves[leaves.length - 1];
      const node = last?.firstChild;
      if (!node) return `block ${where.block} has no text node`;
      const length = last.hasAttribute('data-slate-zero-width') ? 0 : (node.textContent ?? '').length;
      range.setStart(node, length);
      range.collapse(true);
      selection.removeAllRanges();
      selection.addRange(range);
      return null;
    }, target);
    if (placed !== null) throw new Error(`${this.name}: cannot place the caret: ${placed}`);
    await this.page.waitForTimeout(SELECTION_THROTTLE_MS);
  }

  private async moveCaret(key: string): Promise<void> {
    await this.editor.click();
    await this.page.keyboard.press(key);
    await this.page.waitForTimeout(SELECTION_THROTTLE_MS);
  }
}

/** Names and presence colours for `actors(n)`, in order. */
export const ACTOR_NAMES = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj'];
export const ACTOR_COLOURS = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4'];

/**
 * A new actor: its own browser context (on `baseURL`), its presence name and
 * colour set before the app loads, and its relay sockets routed through a
 * network link (unless `routeSockets` is false).
 */
export async function createActor(
  browser: Browser,
  { name, color, baseURL, routeSockets = true }: { name: string; color: string; baseURL?: string; routeSockets?: boolean },
): Promise<Actor> {
  const context = await browser.newContext({ baseURL });
  await context.addInitScript(
    ([n, c]) => localStorage.getItem('concord.user') ?? localStorage.setItem('concord.user', JSON.stringify({ name: n, color: c })),
    [name, color] as const,
  );
  const network = new NetworkLink();
  if (routeSockets) await network.install(context);
  const page = await context.newPage();
  return new Actor(name, context, page, network);
}
