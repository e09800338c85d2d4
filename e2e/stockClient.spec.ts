/** The relay speaks plain y-websocket: a stock Node client reads and writes a browser's document. */
import { yTextToSlateElement } from '@slate-yjs/core';
import { Node } from 'slate';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { expect, test } from './fixtures';

test('a Node stock y-websocket client reads what the browsers typed and its write appears in a browser', async ({ alice, room, baseURL }) => {
  await alice.open(room);
  await alice.editor.click();
  await alice.page.keyboard.type('typed in a browser');
  await alice.waitSaved();

  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseURL!.replace('http', 'ws')}/ws`, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    const content = doc.get('content', Y.XmlText);
    expect(Node.string(yTextToSlateElement(content))).toBe('typed in a browser');

    doc.getText('title').insert(0, 'Named by a script');
    await expect(alice.page.getByTestId('title')).toHaveValue('Named by a script');
  } finally {
    provider.destroy();
  }
});
