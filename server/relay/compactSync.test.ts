/**
 * Compact sync (docs/PROTOCOL.md): a client that asks with `?sync=v2z` gets
 * the relay's sync step 2 as a raw-deflated Yjs V2 update, at most half the V1
 * bytes; a client that does not ask (a stock y-websocket provider, a raw
 * client) gets V1, as before. The tab's own reader (src/collab/compactSync.ts)
 * is run here in a WebsocketProvider in Node.
 */
import { inflateRawSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACT_SYNC_PARAMS, readCompactSync } from '../../src/collab/compactSync';
import { encodeSyncStep1, readFrame } from '../../src/protocol/codec';
import { COMPACT_SYNC, SYNC_QUERY_PARAM, SyncStep } from '../../src/protocol/constants';
import { RawClient, readMetric, startTestRelay, type TestRelay } from './testing';

let relay: TestRelay;
const clients: RawClient[] = [];
const providers: WebsocketProvider[] = [];

beforeEach(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const provider of providers.splice(0)) provider.destroy();
  await relay.stop();
});

const WORDS = 'the relay keeps every edit a tab makes and sends it to everyone else in the room while the document stays in sync'.split(' ');

/** Writes 100 × `batches` lines of plausible text into `room` as one writer (one update per batch, acked), and returns the writer's state. */
async function writeDocument(room: string, batches = 15): Promise<Y.Doc> {
  const writer = new RawClient(relay.wsUrl(room));
  clients.push(writer);
  await writer.opened;
  const text = writer.doc.getText('title');
  let x = 7;
  for (let batch = 0; batch < batches; batch++) {
    writer.doc.transact(() => {
      for (let line = batch * 100; line < (batch + 1) * 100; line++) {
        const words: string[] = [];
        for (let w = 0; w < 14; w++) {
          x = (x * 1103515245 + 12345) >>> 0;
          words.push(WORDS[x % WORDS.length]);
        }
        text.insert(text.length, `${line + 1}. ${words.join(' ')}\n`);
      }
    });
  }
  // One update per batch (and the step 2 the writer answered the relay's step 1 with, if it came first).
  await writer.until(() => (writer.acks.at(-1)?.committedUpdateFrames ?? 0) >= batches, 'every line to be saved', 10_000);
  return writer.doc;
}

/** Opens a raw socket (no automatic sync), sends an empty step 1 and returns the payload of the step 2 answer. */
async function step2Payload(room: string, query: string): Promise<Uint8Array> {
  const client = new RawClient(relay.wsUrl(room, query), { sync: false });
  clients.push(client);
  await client.opened;
  client.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
  const isStep2 = (frame: Uint8Array) => {
    const decoded = readFrame(frame);
    return decoded.type === 'sync' && decoded.step === SyncStep.step2;
  };
  await client.until(() => client.received.some(isStep2), 'the step 2');
  const decoded = readFrame(client.received.find(isStep2)!);
  if (decoded.type !== 'sync') throw new Error('unreachable');
  return decoded.payload;
}

/**
 * A fresh client's replica after compact sync: every update frame that came
 * before the step 2 applied, then the step 2 (a deflated V2 update).
 */
async function freshReplica(room: string, query: string): Promise<{ doc: Y.Doc; updateFramesBeforeStep2: number }> {
  const client = new RawClient(relay.wsUrl(room, query), { sync: false });
  clients.push(client);
  await client.opened;
  client.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
  const step2At = () => client.received.findIndex((frame) => {
    const decoded = readFrame(frame);
    return decoded.type === 'sync' && decoded.step === SyncStep.step2;
  });
  await client.until(() => step2At() >= 0, 'the step 2');
  const doc = new Y.Doc();
  let updateFramesBeforeStep2 = 0;
  for (const frame of client.received.slice(0, step2At() + 1)) {
    const decoded = readFrame(frame);
    if (decoded.type === 'sync' && decoded.step === SyncStep.step2) Y.applyUpdateV2(doc, inflateRawSync(decoded.payload));
    else if (decoded.type === 'sync' && decoded.step === SyncStep.update) {
      updateFramesBeforeStep2++;
      Y.applyUpdate(doc, decoded.payload);
    }
  }
  return { doc, updateFramesBeforeStep2 };
}

describe('compact sync', () => {
  it('C1: a client asking ?sync=v2z gets its step 2 as a deflated V2 update: the whole document, at most half the V1 bytes', async () => {
    const written = await writeDocument('c1');
    const compact = await step2Payload('c1', `${SYNC_QUERY_PARAM}=${COMPACT_SYNC}`);
    const v1 = await step2Payload('c1', '');
    const doc = new Y.Doc();
    Y.applyUpdateV2(doc, inflateRawSync(compact));
    expect(doc.getText('title').toString()).toBe(written.getText('title').toString());
    expect(compact.byteLength).toBeLessThanOrEqual(v1.byteLength / 2);
    expect(await readMetric(`http://127.0.0.1:${relay.concord.port}`, 'concord_compact_syncs_total')).toBe(1);
  });

  it('C2: clients that do not ask get V1: a raw client, and a stock y-websocket provider that syncs the document', async () => {
    const written = await writeDocument('c2');
    const v1 = await step2Payload('c2', 'acks=1');
    const raw = new Y.Doc();
    Y.applyUpdate(raw, v1); // V1: throws or loses text if it were V2 or deflated
    expect(raw.getText('title').toString()).toBe(written.getText('title').toString());

    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${relay.concord.port}/ws`, 'c2', doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    providers.push(provider);
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    expect(doc.getText('title').toString()).toBe(written.getText('title').toString());
    expect(await readMetric(`http://127.0.0.1:${relay.concord.port}`, 'concord_compact_syncs_total')).toBe(0);
  });

  it('C3: the tab\'s reader (readCompactSync) syncs through compact sync, then edits both ways as usual', async () => {
    const written = await writeDocument('c3');
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${relay.concord.port}/ws`, 'c3', doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: { ...COMPACT_SYNC_PARAMS },
    });
    providers.push(provider);
    readCompactSync(provider, (error) => {
      throw error;
    });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    expect(doc.getText('title').toString()).toBe(written.getText('title').toString());
    expect(await readMetric(`http://127.0.0.1:${relay.concord.port}`, 'concord_compact_syncs_total')).toBe(1);
    // Live edits stay V1 both ways.
    doc.getText('title').insert(0, 'tab: ');
    const writer = clients[0];
    await writer.until(() => writer.doc.getText('title').toString().startsWith('tab: '), 'the writer to see the tab');
    writer.doc.getText('title').insert(0, 'writer. ');
    await new Promise<void>((resolve) => {
      const check = () => (doc.getText('title').toString().startsWith('writer. tab: ') ? resolve() : setTimeout(check, 20));
      check();
    });
  });

  it('C4: fresh tabs share one encode of the whole document; after small changes the next fresh tab gets the kept answer and the changes', async () => {
    const written = await writeDocument('c4', 40);
    const metric = () => readMetric(`http://127.0.0.1:${relay.concord.port}`, 'concord_compact_sync_encodes_total');
    const query = `${SYNC_QUERY_PARAM}=${COMPACT_SYNC}`;
    const title = (payload: Uint8Array) => {
      const doc = new Y.Doc();
      Y.applyUpdateV2(doc, inflateRawSync(payload));
      return doc.getText('title').toString();
    };
    const together = await Promise.all([1, 2, 3, 4].map(() => step2Payload('c4', query)));
    const later = await step2Payload('c4', query);
    for (const payload of [...together, later]) expect(title(payload)).toBe(written.getText('title').toString());
    expect(later.byteLength).toBeGreaterThanOrEqual(32 * 1024); // kept after it was sent, not only shared while it was made
    expect(await metric()).toBe(1);
    // (A room nobody has written the body of sends the seed first, as an update frame: rule R6b.)
    const before = (await freshReplica('c4', query)).updateFramesBeforeStep2;
    // A change, and a deletion: the next fresh tab must end up with both, from the same encode.
    const writer = clients[0];
    writer.doc.getText('title').insert(0, 'changed. ');
    writer.doc.getText('title').delete(20, 5);
    await writer.until(() => (writer.acks.at(-1)?.committedUpdateFrames ?? 0) >= 42, 'the changes saved');
    const fresh = await freshReplica('c4', query);
    expect(fresh.updateFramesBeforeStep2).toBe(before + 1);
    expect(fresh.doc.getText('title').toString()).toBe(writer.doc.getText('title').toString());
    expect(await metric()).toBe(1);
  });

  it('C5: once the changes since the kept answer outgrow a quarter of it, the next fresh tab gets a new encode and nothing before it', async () => {
    await writeDocument('c5', 40);
    const metric = () => readMetric(`http://127.0.0.1:${relay.concord.port}`, 'concord_compact_sync_encodes_total');
    const query = `${SYNC_QUERY_PARAM}=${COMPACT_SYNC}`;
    const kept = await step2Payload('c5', query);
    const before = (await freshReplica('c5', query)).updateFramesBeforeStep2; // the seed, if any (rule R6b)
    expect(await metric()).toBe(1);
    const writer = clients[0];
    const text = writer.doc.getText('title');
    text.insert(text.length, 'x'.repeat(kept.byteLength)); // V1 carries the string as is: more than a quarter of the answer
    await writer.until(() => (writer.acks.at(-1)?.committedUpdateFrames ?? 0) >= 41, 'the change saved');
    const fresh = await freshReplica('c5', query);
    expect(fresh.updateFramesBeforeStep2).toBe(before);
    expect(fresh.doc.getText('title').toString()).toBe(text.toString());
    expect(await metric()).toBe(2);
  });

  it('C6: after a big change the relay prepares the answer once the room is quiet: the next fresh tab gets it without an encode of its own', async () => {
    const written = await writeDocument('c6', 40); // ~320 KB of V1 updates
    const metric = () => readMetric(`http://127.0.0.1:${relay.concord.port}`, 'concord_compact_sync_encodes_total');
    const deadline = Date.now() + 5_000;
    while ((await metric()) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await metric()).toBe(1); // nobody asked yet
    const fresh = await freshReplica('c6', `${SYNC_QUERY_PARAM}=${COMPACT_SYNC}`);
    expect(fresh.doc.getText('title').toString()).toBe(written.getText('title').toString());
    expect(await metric()).toBe(1);
  });
});
