/**
 * Rule I1 of docs/PROTOCOL.md with a browser: clients that do not share our
 * Yjs — Yrs (ywasm) behind its own wire codec, echoing every update like
 * pycrdt-websocket, disconnecting at random — converge with a Concord tab and
 * a stock y-websocket client, and every token typed anywhere is there once.
 */
import { yTextToSlateElement } from '@slate-yjs/core';
import { Node } from 'slate';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { expect, occurrences, test, tokens } from './fixtures';
import { YwasmClient } from './support/ywasmClient';

test('I1: a tab, a stock y-websocket client and two echoing Yrs clients with random disconnects converge; every token once', async ({ alice, room, baseURL }) => {
  const wsBase = baseURL!.replace('http', 'ws');
  await alice.open(room);

  const stockDoc = new Y.Doc();
  const stock = new WebsocketProvider(`${wsBase}/ws`, room, stockDoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const yrs = [0, 1].map(
    (i) => new YwasmClient({ url: `${wsBase}/ws/${room}`, presence: { user: { name: `Yrs bot ${i}`, color: '#6741d9' } } }),
  );
  try {
    await new Promise<void>((resolve) => stock.once('sync', () => resolve()));
    for (const client of yrs) await client.connect();
    await expect(alice.page.getByTestId('peer').filter({ hasText: 'Yrs bot 0' })).toHaveCount(1);

    // The title: everyone writes whole tokens at token boundaries; the body: the tab types.
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const boundary = (text: string) => {
      const spots = [0, ...[...text].flatMap((c, i) => (c === ' ' ? [i + 1] : []))];
      return spots[Math.floor(random() * spots.length)];
    };
    const titleTokens = tokens('t', 24);
    const bodyTokens = tokens('w', 12);
    await alice.editor.click();
    for (let i = 0; i < titleTokens.length; i++) {
      const token = `${titleTokens[i]} `;
      if (i % 3 === 0) stockDoc.getText('title').insert(boundary(stockDoc.getText('title').toString()), token);
      else yrs[i % 3 === 1 ? 0 : 1].insertTitle(boundary(yrs[i % 3 === 1 ? 0 : 1].title()), token);
      if (i % 2 === 0) await alice.page.keyboard.type(`${bodyTokens[i / 2]} `);
      const victim = yrs[Math.floor(random() * 2)];
      if (random() < 0.25) await (victim.connected ? victim.disconnect() : victim.connect());
    }
    for (const client of yrs) if (!client.connected) await client.connect();
    await alice.waitSaved();

    const stockTitle = () => stockDoc.getText('title').toString();
    await expect.poll(() => titleTokens.every((t) => stockTitle().includes(`${t} `))).toBe(true);
    await expect.poll(() => yrs.map((c) => c.title())).toEqual([stockTitle(), stockTitle()]);
    await expect(alice.page.getByTestId('title')).toHaveValue(stockTitle());
    for (const token of titleTokens) expect(occurrences(stockTitle(), token), token).toBe(1);

    const body = () => Node.string(yTextToSlateElement(stockDoc.get('content', Y.XmlText)));
    await expect.poll(async () => (await alice.text()) === body()).toBe(true);
    for (const token of bodyTokens) expect(occurrences(body(), token), token).toBe(1);
    // The Yrs replicas hold the same document (same state vector), body included.
    for (const client of yrs) {
      expect(Y.decodeStateVector(client.stateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVector(stockDoc)));
    }
    expect(yrs.flatMap((c) => c.closeCodes).filter((code) => code !== 1005 && code !== 1000)).toEqual([]);
  } finally {
    stock.destroy();
    for (const client of yrs) await client.disconnect();
  }
});
