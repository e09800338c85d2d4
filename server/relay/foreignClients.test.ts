/**
 * Clients we did not write: Yrs (ywasm) behind its own wire codec, echoing
 * every update it applies as pycrdt-websocket does, next to stock y-websocket
 * and raw Yjs clients. Rules R10, R12 and I1 of docs/PROTOCOL.md.
 */
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { YwasmClient } from '../../e2e/support/ywasmClient';
import { CloseCode, MessageType, SyncStep } from '../../src/protocol/constants';
import { CONTENT_ROOT, LEGACY_SEED_CLIENT_ID, NEW_DOCUMENT_BODY } from '../../src/protocol/document';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import { DATABASE_FILE } from '../app';
import { openSqliteStorage } from '../storage/sqlite';
import { docFromStored } from '../storage/storage.contract';
import { RawClient, eventually, readMetric, startTestRelay, title, type TestRelay } from './testing';

let relay: TestRelay | null = null;
const closers: Array<() => unknown> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await relay?.stop();
  relay = null;
});

function raw(room: string, query = 'acks=1'): RawClient {
  const client = new RawClient(relay!.wsUrl(room, query));
  closers.push(() => client.close());
  return client;
}

function ywasm(room: string, options: { clientId?: number; echo?: boolean; query?: string } = {}): YwasmClient {
  const client = new YwasmClient({ url: relay!.wsUrl(room, options.query ?? ''), clientId: options.clientId, echo: options.echo });
  closers.push(() => client.disconnect());
  return client;
}

function stored(room: string): { rows: number; bytes: number; doc: Y.Doc } {
  const storage = openSqliteStorage(join(relay!.dataDir, DATABASE_FILE));
  try {
    const state = storage.load(room);
    return {
      rows: state.updates.length + (state.snapshot ? 1 : 0),
      bytes: state.updates.reduce((n, u) => n + u.length, state.snapshot?.length ?? 0),
      doc: docFromStored(state),
    };
  } finally {
    storage.close();
  }
}

const updateFrames = (client: RawClient, from = 0) =>
  client.received.slice(from).filter((f) => f[0] === MessageType.sync && f[1] === SyncStep.update).length;

/** The body as Slate-ish JSON: the paragraphs of the content root and their attributes and text. */
function body(doc: Y.Doc): unknown {
  return (doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: unknown }>).map(({ insert }) =>
    insert instanceof Y.XmlText ? { attributes: insert.getAttributes(), text: insert.toString() } : { insert },
  );
}

describe('echoing clients (R10)', () => {
  it('R10: two echoing Yrs clients cost what stock clients cost: 20 edits reach an observer as 20 frames, the writer gets no echo, storage holds each edit once', async () => {
    relay = await startTestRelay();
    const room = 'echo';
    const writer = raw(room);
    await writer.until(() => writer.acks.length > 0, 'writer synced');
    const echoers = [ywasm(room), ywasm(room)];
    for (const echoer of echoers) await echoer.connect();
    await eventually(() => echoers.every((e) => e.received.sync >= 2), 'echoers synced');
    const observer = raw(room);
    await observer.until(() => observer.acks.length > 0, 'observer synced');
    const seenByObserver = observer.received.length;
    const seenByWriter = writer.received.length;
    const echoesSent = () => echoers.reduce((n, e) => n + e.updatesSent, 0);
    const duplicates = () => readMetric(relay!.concord.url, 'concord_updates_duplicate_total');
    const [sentBefore, duplicatesBefore] = [echoesSent(), await duplicates()];

    const EDITS = 20;
    const line = 'x'.repeat(1_000);
    for (let i = 0; i < EDITS; i++) {
      writer.doc.getText('title').insert(title(writer).length, `${i}${line}\n`);
      await writer.until(() => writer.acks.at(-1)!.committedUpdateFrames >= 2 + i, `edit ${i} saved`);
    }
    await eventually(() => echoers.every((e) => e.title() === title(writer)), 'echoers to have every edit');
    // Every echo has reached the relay (each is a duplicate there); then whatever it sent on has arrived.
    await eventually(async () => (await duplicates()) - duplicatesBefore >= echoesSent() - sentBefore, 'the relay to handle every echo');
    await writer.roundTrip();
    await observer.roundTrip();
    expect(title(observer)).toBe(title(writer));

    const toObserver = updateFrames(observer, seenByObserver);
    const echoesToWriter = updateFrames(writer, seenByWriter);
    const { rows, bytes } = stored(room);
    console.log(`R10 echo: ${EDITS} edits → ${toObserver} frames to the observer, ${echoesToWriter} echoes to the writer, ${rows} rows / ${bytes} B stored`);
    expect(toObserver).toBe(EDITS);
    expect(echoesToWriter).toBe(0);
    expect(rows).toBe(1 + EDITS); // the seed, then each edit once
    expect(bytes).toBeLessThan(EDITS * (line.length + 100) + 200);
    for (const echoer of echoers) expect(echoer.updatesSent, 'they did echo').toBeGreaterThanOrEqual(EDITS);
    expect(echoers.flatMap((e) => e.closeCodes)).toEqual([]);
  });
});

describe('the seed and client ids (R12)', () => {
  it('R12: a Yrs client with client id 1 edits a new document offline, then syncs: everyone converges on its text and one paragraph', async () => {
    relay = await startTestRelay();
    const room = 'client-one';
    const one = ywasm(room, { clientId: 1 });
    one.insertTitle(0, 'written offline by client 1');
    await one.connect();
    const observer = raw(room);
    await observer.until(() => title(observer) === 'written offline by client 1', 'the observer to get client 1’s text');
    const again = raw(room);
    await again.until(() => title(again) === 'written offline by client 1', 'a second observer');
    expect(body(observer.doc)).toEqual([{ attributes: { type: 'paragraph' }, text: '' }]);
    await observer.until(() => observer.acks.length > 0, 'acks');
    await eventually(() => stored(room).doc.getText('title').toString() === 'written offline by client 1', 'stored');
    expect(body(stored(room).doc)).toEqual(body(observer.doc));
    expect(one.closeCodes).toEqual([]);
  });

  it('R12: in a document seeded by client 1 (before the seed id changed) client 1 is refused with 4409, nothing of it is stored, others see one paragraph', async () => {
    relay = await startTestRelay();
    const room = 'legacy';
    // A document as relays used to seed it: the same body, authored by client 1.
    const legacy = new Y.Doc();
    legacy.clientID = LEGACY_SEED_CLIENT_ID;
    legacy.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(NEW_DOCUMENT_BODY), { sanitize: false });
    const storage = openSqliteStorage(join(relay.dataDir, DATABASE_FILE));
    storage.append([{ room, update: Y.encodeStateAsUpdate(legacy) }]);
    storage.close();

    const reader = raw(room);
    await reader.until(() => reader.acks.length > 0, 'reader synced');
    expect(body(reader.doc)).toEqual([{ attributes: { type: 'paragraph' }, text: '' }]); // not seeded twice

    const one = ywasm(room, { clientId: 1 });
    one.insertTitle(0, 'client 1 again');
    await one.connect();
    await eventually(() => one.closeCodes.length > 0, 'client 1 closed');
    expect(one.closeCodes).toEqual([CloseCode.reservedClientId]);
    reader.doc.getText('title').insert(0, 'fine');
    await reader.until(() => reader.acks.at(-1)!.committedUpdateFrames >= 2, 'reader saved');
    expect(stored(room).doc.getText('title').toString()).toBe('fine');
    expect(body(stored(room).doc)).toEqual([{ attributes: { type: 'paragraph' }, text: '' }]);
  });
});

describe('interop (I1)', () => {
  it('I1: echoing Yrs clients with random disconnects, a stock y-websocket client and a raw Yjs client converge; every token once', async () => {
    relay = await startTestRelay();
    const room = 'interop';
    const stockDoc = new Y.Doc();
    const stock = new WebsocketProvider(`ws://127.0.0.1:${relay.concord.port}/ws`, room, stockDoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    closers.push(() => stock.destroy());
    const rawClient = raw(room);
    const yrs = [ywasm(room), ywasm(room, { query: 'acks=1' })];
    for (const client of yrs) await client.connect();
    await new Promise<void>((resolve) => (stock.synced ? resolve() : stock.once('sync', () => resolve())));

    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const tokens: string[] = [];
    for (let round = 0; round < 30; round++) {
      const token = `t${round} `;
      tokens.push(token);
      const who = round % 4;
      // Insert at a token boundary, so that every token stays whole and can be counted.
      const at = (text: string) => {
        const boundaries = [0, ...[...text].flatMap((c, i) => (c === ' ' ? [i + 1] : []))];
        return boundaries[Math.floor(random() * boundaries.length)];
      };
      if (who === 0) stockDoc.getText('title').insert(at(stockDoc.getText('title').toString()), token);
      else if (who === 1) rawClient.doc.getText('title').insert(at(title(rawClient)), token);
      else yrs[who - 2].insertTitle(at(yrs[who - 2].title()), token);
      const victim = yrs[Math.floor(random() * 2)];
      if (random() < 0.2) {
        if (victim.connected) await victim.disconnect();
        else await victim.connect();
      }
      await new Promise((resolve) => setTimeout(resolve, 10)); // pace the script: edits and reconnects interleave with traffic
    }
    for (const client of yrs) if (!client.connected) await client.connect();

    const converged = () => {
      const texts = [stockDoc.getText('title').toString(), title(rawClient), ...yrs.map((c) => c.title())];
      return texts.every((t) => t === texts[0]) && tokens.every((t) => texts[0].includes(t));
    };
    await eventually(converged, 'all four replicas to converge', 30_000); // a bound for a loaded 2-core CI machine, not a timing goal
    const text = title(rawClient);
    for (const token of tokens) expect(text.split(token).length - 1, token).toBe(1);
    expect(Y.decodeStateVector(yrs[0].stateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVector(rawClient.doc)));
    await eventually(() => stored(room).doc.getText('title').toString() === text, 'the relay to store it');
    // Presence crosses implementations: the stock client sees the Yrs clients.
    await eventually(() => yrs.every((c) => stock.awareness.getStates().has(c.clientId)), 'presence of the Yrs clients');
  });
});
