/**
 * Compact sync in the browser (docs/PROTOCOL.md, "Compact sync"): a tab asks
 * for its sync step 2 as a deflated V2 update and receives the document in at
 * most half the V1 bytes; a stock y-websocket client in the same room still
 * gets V1 and syncs; edits keep flowing both ways after.
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 180_000 });

const filler = ' the quick brown fox jumps over the lazy dog and keeps on running';

test('ENC1: a tab opens a 3,000-paragraph document with compact sync (≤ half the V1 bytes); a stock client gets V1; edits flow both ways', async ({ bob, room, baseURL }) => {
  const doc = new Y.Doc();
  const stock = new WebsocketProvider(`${baseURL!.replace('http', 'ws')}/ws`, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve) => stock.once('sync', () => resolve()));
    const paragraphs = Array.from({ length: 3_000 }, (_, i) => `e${String(i).padStart(5, '0')}${filler}`);
    const body = doc.get('content', Y.XmlText);
    body.applyDelta([{ retain: body.length }, ...slateNodesToInsertDelta(paragraphs.map((text) => ({ type: 'paragraph', children: [{ text }] })))], {
      sanitize: false,
    });
    const v1Bytes = Y.encodeStateAsUpdate(doc).byteLength;
    // The stock client's own step 2 (after a reconnect) came as V1: it applied and it syncs.
    stock.disconnect();
    stock.connect();
    await new Promise<void>((resolve) => stock.once('sync', () => resolve()));

    // Every frame the tab's relay socket receives, and the socket's URL.
    const received: number[] = [];
    const urls: string[] = [];
    bob.page.on('websocket', (socket) => {
      if (!socket.url().includes('/ws/')) return;
      urls.push(socket.url());
      socket.on('framereceived', ({ payload }) => received.push(typeof payload === 'string' ? payload.length : payload.byteLength));
    });
    await bob.open(room);
    await expect(bob.editor).toContainText(paragraphs[paragraphs.length - 1], { timeout: 120_000 });
    expect(urls.some((url) => new URL(url).searchParams.get('sync') === 'v2z'), urls.join(', ')).toBe(true);
    const total = received.reduce((a, b) => a + b, 0);
    expect(total, `the tab received ${total} B for a ${v1Bytes} B V1 state`).toBeLessThanOrEqual(v1Bytes / 2);

    // Live edits: stock → tab and tab → stock (V1 both ways).
    doc.transact(() => body.applyDelta([{ retain: body.length }, ...slateNodesToInsertDelta([{ type: 'paragraph', children: [{ text: 'from-stock-client' }] }] as never)], { sanitize: false }));
    await expect(bob.editor).toContainText('from-stock-client');
    await bob.editor.locator('text=e00000').first().click();
    await bob.page.keyboard.press('Home');
    await bob.page.keyboard.type('tabword ');
    await expect.poll(() => body.toString().includes('tabword'), { timeout: 20_000 }).toBe(true);
  } finally {
    stock.destroy();
  }
});
