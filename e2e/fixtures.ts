/**
 * Named actors for multi-user specs: `alice`, `bob` and `carol`
 * each get their own browser context — separate storage, separate sockets —
 * and a name and colour of their own.
 */
import { test as base, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { readDocument, plainText, type BlockState } from './support/documentState';

const ACTORS = {
  alice: '#d9480f',
  bob: '#1971c2',
  carol: '#2f9e44',
} as const;
type ActorName = keyof typeof ACTORS;

export class Actor {
  constructor(
    readonly name: string,
    readonly context: BrowserContext,
    public page: Page,
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

  /** A fresh tab in the same context (same browser profile). */
  async newTab(): Promise<Page> {
    this.page = await this.context.newPage();
    return this.page;
  }

  document(): Promise<BlockState[]> {
    return readDocument(this.page);
  }

  async text(): Promise<string> {
    return plainText(await this.document());
  }

  async waitSaved(): Promise<void> {
    await expect(this.page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  }

  /** Puts the caret at the very end of the document. */
  async caretToEnd(): Promise<void> {
    await this.moveCaret('Control+End');
  }

  /** Puts the caret at the very start of the document. */
  async caretToStart(): Promise<void> {
    await this.moveCaret('Control+Home');
  }

  /**
   * slate-react reads the DOM selection on `selectionchange`, throttled to
   * 100 ms; keys typed sooner can land at the click point. Waiting out the
   * throttle is synchronisation with the editor, not a timing assertion.
   */
  private async moveCaret(key: string): Promise<void> {
    await this.editor.click();
    await this.page.keyboard.press(key);
    await this.page.waitForTimeout(150);
  }
}

export const test = base.extend<{ room: string } & Record<ActorName, Actor>>({
  room: async ({}, use, testInfo) => {
    const slug = testInfo.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40);
    await use(`${slug}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`);
  },
  ...(Object.fromEntries(
    (Object.keys(ACTORS) as ActorName[]).map((actor) => [
      actor,
      async ({ browser, baseURL }: { browser: import('@playwright/test').Browser; baseURL?: string }, use: (a: Actor) => Promise<void>) => {
        const context = await browser.newContext({ baseURL });
        const displayName = actor[0].toUpperCase() + actor.slice(1);
        await context.addInitScript(
          ([name, color]) => localStorage.getItem('concord.user') ?? localStorage.setItem('concord.user', JSON.stringify({ name, color })),
          [displayName, ACTORS[actor]] as const,
        );
        const page = await context.newPage();
        await use(new Actor(displayName, context, page));
        await context.close();
      },
    ]),
  ) as object),
});

export { expect };

/** `count` unique tokens like `a007`, for typing and then finding exactly once. */
export function tokens(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

/** How many times `token` appears as a whole word in `text`. */
export function occurrences(text: string, token: string): number {
  return text.split(/\s+/).filter((word) => word === token).length;
}
