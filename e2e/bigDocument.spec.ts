/**
 * Big changes reach everyone (docs/PROTOCOL.md, B rules): a paste of
 * megabytes, an offline backlog of megabytes, a stock client's backlog sent as
 * one frame; and what the relay still refuses is said, not retried forever.
 */
import type { Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import { expect, test, type Actor } from './fixtures';
import { plainText } from './support/documentState';
import { startRelayProcess } from './support/relay';

test.describe.configure({ timeout: 240_000 });

/** `count` lines of ordinary prose, each starting with a unique token `<prefix>00042`. */
function lines(prefix: string, count: number, width = 80): string[] {
  const filler = ' the quick brown fox jumps over the lazy dog and keeps on running'.repeat(Math.ceil(width / 60));
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}${filler}`.slice(0, width));
}

/** Pastes plain text where the caret is, as the browser does on Ctrl+V (slate-react's paste handler). */
async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((body) => {
    const data = new DataTransfer();
    data.setData('text/plain', body);
    document.querySelector('[data-slate-editor]')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Every token appears exactly once in the actor's document; returns the document's plain text. */
async function expectTokensOnce(actor: Actor, tokens: string[]): Promise<string> {
  const text = await actor.text();
  const counts = new Map<string, number>();
  for (const word of text.split(/\s+/)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const wrong = tokens.filter((token) => counts.get(token) !== 1);
  expect(wrong.slice(0, 10), `${wrong.length} of ${tokens.length} tokens missing or repeated in ${actor.name}'s document`).toEqual([]);
  return text;
}

const tokensOf = (text: string[]) => text.map((line) => line.split(' ')[0]);

/** Alice and Bob in `room`; Alice pastes `count` lines and Bob shows the last. Returns the lines. */
async function twoTabsOnPastedLines(alice: Actor, bob: Actor, room: string, prefix: string, count: number): Promise<string[]> {
  await alice.open(room);
  await bob.open(room);
  const pasted = lines(prefix, count, 80);
  await alice.caretToEnd();
  await paste(alice.page, pasted.join('\n'));
  await expect(bob.editor).toContainText(pasted[pasted.length - 1], { timeout: 60_000 });
  return pasted;
}

test('B1: a paste of 15,000 lines (1.3 MB) reaches a second tab and is saved, both documents equal', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  const pasted = lines('p', 15_000, 88);
  expect(pasted.join('\n').length).toBeGreaterThan(1_300_000);
  await alice.caretToEnd();
  await paste(alice.page, pasted.join('\n'));

  await expect(bob.editor).toContainText(pasted[pasted.length - 1], { timeout: 120_000 });
  await alice.waitSaved();
  const bobText = await expectTokensOnce(bob, tokensOf(pasted));
  expect(await expectTokensOnce(alice, tokensOf(pasted))).toBe(bobText);
  expect(await bob.document()).toEqual(await alice.document());
});

test('B2: a tab that wrote more than 1 MiB offline syncs it all on reconnect', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  await alice.page.getByTestId('offline-toggle').click();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');

  const written = lines('o', 14_000, 88); // about 1.2 MB
  await alice.caretToEnd();
  await paste(alice.page, written.join('\n'));
  await alice.page.keyboard.type(' typed-after-the-paste');
  await expect(alice.editor).toContainText(written[written.length - 1]);
  await expect(bob.editor).not.toContainText(written[0]);

  await alice.page.getByTestId('offline-toggle').click();
  await expect(bob.editor).toContainText('typed-after-the-paste', { timeout: 120_000 });
  await alice.waitSaved();
  await expectTokensOnce(bob, [...tokensOf(written), 'typed-after-the-paste']);
  expect(await bob.document()).toEqual(await alice.document());
});

test('B3: a stock y-websocket client\'s 5 MB offline backlog, sent as one frame, reaches a browser tab and the relay\'s store', async ({ bob, carol, room, baseURL }) => {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseURL!.replace('http', 'ws')}/ws`, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    provider.disconnect();
    const paragraphs = lines('s', 5_000, 1_000);
    const body = doc.get('content', Y.XmlText);
    body.applyDelta([{ retain: body.length }, ...slateNodesToInsertDelta(paragraphs.map((text) => ({ type: 'paragraph', children: [{ text }] })))], {
      sanitize: false,
    });
    expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(5_000_000);

    provider.connect();
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    // (the stock client answered the relay's sync step 1 with all of it in one step 2 frame)

    await bob.open(room);
    await expect(bob.editor).toContainText(paragraphs[paragraphs.length - 1], { timeout: 120_000 });
    await expectTokensOnce(bob, tokensOf(paragraphs));
  } finally {
    provider.destroy();
  }
  // What the relay stored: a tab opened after the writer left reads it all.
  await carol.open(room);
  const carolText = await expectTokensOnce(carol, tokensOf(lines('s', 5_000, 1_000)));
  expect(plainText(await bob.document())).toBe(carolText);
});

test('B4: a frame over the relay\'s limit is refused with a visible reason, the tab stops retrying and keeps the text; others carry on', async ({ alice, bob, room }) => {
  const relay = await startRelayProcess({ MAX_FRAME_BYTES: String(1_048_576) });
  try {
    await alice.open(room, relay.url);
    await bob.open(room, relay.url);
    // One line of 1.5 MB: a single Yjs struct, which no piece can cut below the limit.
    const line = `huge-line ${'x'.repeat(1_500_000)}`;
    await alice.caretToEnd();
    await paste(alice.page, line);

    const refusal = alice.page.getByTestId('refusal');
    await expect(refusal).toBeVisible({ timeout: 30_000 });
    await expect(refusal).toContainText('larger than the relay accepts');
    await expect(refusal).toContainText('1.5 MB');
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'refused');

    // y-websocket alone would have reconnected and been refused again several times by now
    // (its backoff starts at 100 ms); the relay refused one frame, once.
    await alice.page.waitForTimeout(3_000);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/concord_limits_hit_total\{limit="frame_bytes"\} 1\b/);
    await expect(refusal).toHaveAttribute('data-code', '1009');

    await expect(alice.editor).toContainText('huge-line');
    await bob.caretToEnd();
    await bob.page.keyboard.type('bob-still-writing');
    await bob.waitSaved();
    await expect(bob.editor).not.toContainText('huge-line');
  } finally {
    await relay.stop();
  }
});

test('B6: in a document of 1,200 paragraphs (off-screen chunks not laid out), Ctrl+End / Ctrl+Home reach its very end and start, and Ctrl+Shift+End selects to the end', async ({ alice, room }) => {
  await alice.open(room);
  const pasted = lines('k', 1_200, 80);
  await alice.caretToEnd();
  await paste(alice.page, pasted.join('\n'));
  await expect(alice.editor).toContainText(pasted[pasted.length - 1]);

  await alice.caretToEnd();
  await alice.page.keyboard.type('END-TOKEN');
  await alice.caretToStart();
  await alice.page.keyboard.type('START-TOKEN');
  await expect(alice.editor).toContainText('END-TOKEN');
  const blocks = await alice.document();
  expect(plainText(blocks.slice(-1))).toBe(`${pasted[pasted.length - 1]}END-TOKEN`);
  expect(plainText(blocks.slice(0, 1)).startsWith('START-TOKEN')).toBe(true);

  await alice.page.keyboard.press('Control+Shift+End');
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.text()).toBe('START-TOKEN');
});

test('B7: select all in 2,000 paragraphs and type: both tabs end with the one letter, saved; one undo brings every paragraph back in both', async ({ alice, bob, room }) => {
  const pasted = await twoTabsOnPastedLines(alice, bob, room, 'r', 2_000);
  await alice.waitSaved();
  const before = await alice.document();

  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.type('Z');
  await expect.poll(() => bob.text(), { timeout: 30_000 }).toBe('Z');
  expect(await alice.text()).toBe('Z');
  await alice.waitSaved();

  await alice.page.keyboard.press('Control+z');
  await expect.poll(async () => (await bob.document()).length, { timeout: 30_000 }).toBe(before.length);
  expect(await alice.document()).toEqual(before);
  expect(await bob.document()).toEqual(before);
  await expectTokensOnce(bob, tokensOf(pasted));
});

test('B8: a peer\'s select-all over 2,000 paragraphs is drawn where it can be seen: a bounded number of boxes at the top, and boxes at the end once scrolled there', async ({ alice, bob, room }) => {
  const pasted = await twoTabsOnPastedLines(alice, bob, room, 'v', 2_000);

  await alice.page.keyboard.press('Control+a');
  const boxes = bob.page.locator('.remote-selection');
  await expect.poll(() => boxes.count(), { timeout: 10_000 }).toBeGreaterThan(0);
  // Measured over the whole range, every one of the 2,000 lines would be a box.
  expect(await boxes.count()).toBeLessThan(400);

  // Scrolled there, caret left alone: only the scroll can make the tab measure again.
  const last = bob.page.locator('[data-slate-editor] [data-block-type]', { hasText: pasted[pasted.length - 1] });
  await bob.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await last.scrollIntoViewIfNeeded();
  await expect
    .poll(async () => {
      const target = await last.boundingBox();
      const drawn = await boxes.evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect()).map(({ top, bottom }) => ({ top, bottom })));
      return target !== null && drawn.some(({ top, bottom }) => bottom > target.y && top < target.y + target.height);
    }, { timeout: 10_000 })
    .toBe(true);
  expect(await boxes.count()).toBeLessThan(400);
});
