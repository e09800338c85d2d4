/**
 * Eager replication, REPLICATION_ACKS and the directory catch-up (rules X6–X8
 * of docs/PROTOCOL.md), with relays joined through the in-memory hub. The same
 * promises against a real Redis and relay processes: e2e-cluster/replication.spec.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUpdateFrame } from '../../src/protocol/codec';
import { decodeStored, STORED_MESSAGE, type StoredNotice } from '../../src/protocol/stored';
import { RawClient, eventually as until, title } from '../relay/testing';
import { heartbeatsExchanged, startClusterRelay, stopClusterRelays, type ClusterTestRelay } from './testing';
import { MemoryHub } from './transport';

const clients: RawClient[] = [];

/** Relays as in a cluster with Redis (REDIS_URL lets REPLICATION_ACKS go above 1; the hub stands in for it), no periodic pass. */
const relay = (hub: MemoryHub, relayId: string, env: Record<string, string> = {}, dataDir?: string): Promise<ClusterTestRelay> =>
  startClusterRelay(hub, relayId, { REDIS_URL: 'redis://hub.invalid:1', CLUSTER_ANTI_ENTROPY_MS: '60000', ...env }, dataDir);

/** Update frames each raw client has sent (what `saved` counts). */
const framesSent = new WeakMap<RawClient, number>();

async function connected(url: string): Promise<RawClient> {
  const client = new RawClient(url);
  framesSent.set(client, 0);
  const send = client.send.bind(client);
  client.send = (frame) => {
    if (typeof frame !== 'string' && isUpdateFrame(frame)) framesSent.set(client, framesSent.get(client)! + 1);
    send(frame);
  };
  clients.push(client);
  await client.opened;
  await client.until(() => client.doc.store.clients.size > 0, 'first sync');
  return client;
}

function storedNotices(client: RawClient): StoredNotice[] {
  return client.received.filter((frame) => frame[0] === STORED_MESSAGE).map(decodeStored);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const storedTitle = (relay: ClusterTestRelay, room: string) => relay.stored(room).getText('title').toString();

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await stopClusterRelays();
});

describe('eager replication (X6)', () => {
  it('an update written only through A is in B’s store within moments, without B loading the document', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    const alice = await connected(a.ws('only-on-a'));
    alice.doc.getText('title').insert(0, 'written on A');
    await until(() => storedTitle(b, 'only-on-a') === 'written on A', 'the update in B’s store');
    alice.doc.getText('title').insert(0, 'more ');
    alice.doc.getText('title').delete(5, 8); // a deletion travels too
    await until(() => storedTitle(b, 'only-on-a') === 'more on A', 'the edits in B’s store');
    expect(b.concord.rooms.peek('only-on-a')).toBeUndefined(); // never loaded on B
    expect(await b.metric('concord_rooms_loaded')).toBe(0);
    expect(await b.metric('concord_replication_unloaded_updates_total', 'result="stored"')).toBeGreaterThanOrEqual(3);
    // B alone, restarted on its store without the hub, serves it.
    await b.close();
    const bAlone = await startClusterRelay(null, 'B', {}, b.dir);
    const later = await connected(bAlone.ws('only-on-a'));
    expect(title(later)).toBe('more on A');
  });

  it('edits made while the hub is down reach B’s store once it is back (B never loads the document)', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    const alice = await connected(a.ws('outage'));
    alice.doc.getText('title').insert(0, 'before ');
    await until(() => storedTitle(b, 'outage') === 'before ', 'first edit on B');
    hub.setUp(false);
    for (let i = 0; i < 5; i++) alice.doc.getText('title').insert(alice.doc.getText('title').length, `w${i} `);
    const sent = framesSent.get(alice)!;
    await alice.until(() => alice.acks.some((ack) => ack.committedUpdateFrames >= sent), 'A to save the edits'); // A has handled them
    expect(storedTitle(b, 'outage')).toBe('before ');
    hub.setUp(true);
    await until(() => storedTitle(b, 'outage') === 'before w0 w1 w2 w3 w4 ', 'the edits made during the outage in B’s store');
    expect(b.concord.rooms.peek('outage')).toBeUndefined();
  });
});

describe('REPLICATION_ACKS (X8)', () => {
  const quorum = { REPLICATION_ACKS: '2', REPLICATION_ACK_TIMEOUT_MS: '300' };

  it('with 2, `saved` comes only once B has committed too; with B away the tab is told "A only", then saved when B is back', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A', quorum);
    const b = await relay(hub, 'B', quorum);
    await heartbeatsExchanged(a, b); // A knows B is alive
    const alice = await connected(a.ws('quorum'));
    alice.doc.getText('title').insert(0, 'x');
    const sent = framesSent.get(alice)!;
    await alice.until(() => alice.acks.at(-1)?.committedUpdateFrames === sent, 'saved with B');
    expect(storedTitle(b, 'quorum')).toBe('x'); // B held it before A said saved
    await alice.until(() => storedNotices(alice).some((n) => n.relays.join() === 'A,B'), 'stored on A and B');
    const savedBefore = alice.acks.at(-1)!.committedUpdateFrames;

    b.transport!.setUp(false); // B is cut off: it receives nothing, confirms nothing
    alice.doc.getText('title').insert(1, 'y');
    await alice.until(() => storedNotices(alice).some((n) => n.relays.join() === 'A' && n.frames > savedBefore), '"on A only"', 3_000);
    const onlyA = storedNotices(alice).at(-1)!;
    expect(onlyA).toMatchObject({ required: 2, relays: ['A'] });
    expect(alice.acks.at(-1)!.committedUpdateFrames).toBe(savedBefore); // never "saved" while only A holds it
    await sleep(400);
    expect(alice.acks.at(-1)!.committedUpdateFrames).toBe(savedBefore);
    expect(storedTitle(a, 'quorum')).toBe('xy'); // A did commit it
    expect(await a.metric('concord_replication_one_relay_only_total')).toBeGreaterThanOrEqual(1);

    b.transport!.setUp(true);
    await alice.until(() => alice.acks.at(-1)!.committedUpdateFrames > savedBefore, 'saved once B is back', 5_000);
    expect(storedTitle(b, 'quorum')).toBe('xy');
    await alice.until(() => storedNotices(alice).at(-1)!.relays.join() === 'A,B', 'stored on A and B again');
  });

  it('with 2 and no other relay alive, the tab is told at once that its edits are on this relay only', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A', { ...quorum, REPLICATION_ACK_TIMEOUT_MS: '60000' });
    const alice = await connected(a.ws('alone'));
    alice.doc.getText('title').insert(0, 'z');
    const sent = framesSent.get(alice)!;
    await alice.until(() => storedNotices(alice).some((n) => n.frames === sent), 'stored notice', 2_000);
    expect(storedNotices(alice).at(-1)).toMatchObject({ frames: sent, required: 2, relays: ['A'] });
    expect(alice.acks.every((ack) => ack.committedUpdateFrames === 0)).toBe(true);
  });

  it('with the default (1), `saved` follows this relay’s commit and `stored` then names B too', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    await heartbeatsExchanged(a, b);
    const alice = await connected(a.ws('default'));
    b.transport!.setUp(false);
    alice.doc.getText('title').insert(0, 'q');
    await alice.until(() => alice.acks.some((ack) => ack.committedUpdateFrames >= 1), 'saved by A alone');
    expect(storedNotices(alice)).toEqual([]); // nothing to add: one copy, as `saved` says
    b.transport!.setUp(true);
    await alice.until(() => storedNotices(alice).some((n) => n.relays.join() === 'A,B'), 'stored on A and B', 5_000);
    expect(storedNotices(alice).at(-1)!.required).toBe(1);
  });

  it('/metrics: replication lag and unreplicated documents per peer', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    await heartbeatsExchanged(a, b);
    const alice = await connected(a.ws('lagging'));
    alice.doc.getText('title').insert(0, 'r');
    await until(async () => (await a.metric('concord_replication_unreplicated_documents', 'peer="B"')) === 0, 'B holds everything');
    b.transport!.setUp(false);
    alice.doc.getText('title').insert(0, 's');
    await sleep(300);
    expect(await a.metric('concord_replication_unreplicated_documents', 'peer="B"')).toBe(1);
    expect(await a.metric('concord_replication_lag_seconds', 'peer="B"')).toBeGreaterThanOrEqual(0.25);
    b.transport!.setUp(true);
    await until(async () => (await a.metric('concord_replication_unreplicated_documents', 'peer="B"')) === 0, 'B caught up', 5_000);
    expect(await a.metric('concord_replication_lag_seconds', 'peer="B"')).toBe(0);
  });
});

describe('directory catch-up (X7)', () => {
  async function writeDocuments(on: ClusterTestRelay, names: string[]): Promise<void> {
    for (const name of names) {
      const client = await connected(on.ws(name));
      client.doc.getText('title').insert(0, `text of ${name}`);
      const sent = framesSent.get(client)!;
      await client.until(() => client.acks.some((ack) => ack.committedUpdateFrames >= sent), `saved ${name}`);
      client.close();
    }
  }

  it('a relay that joins late gets every document, at most CLUSTER_CATCHUP_DOCS_PER_S per second', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A', { ROOM_IDLE_UNLOAD_MS: '0' });
    const names = Array.from({ length: 20 }, (_, i) => `late-${i}`);
    await writeDocuments(a, names);
    const rate = 5;
    const b = await relay(hub, 'B', { CLUSTER_CATCHUP_DOCS_PER_S: String(rate) });
    // Sample how many documents B has compared: never more than the bucket (rate) plus rate × time.
    const samples: Array<[number, number]> = [];
    let done = false;
    while (!done) {
      samples.push([performance.now(), await b.metric('concord_replication_catchup_documents_total')]);
      done = names.every((name) => storedTitle(b, name) === `text of ${name}`);
      if (samples.length > 400) throw new Error('B did not get every document in time');
      await sleep(50);
    }
    const first = samples.find(([, n]) => n > 0)!;
    for (const [at, n] of samples) {
      expect(n, `${n} compared ${Math.round(at - first[0])} ms after the first`).toBeLessThanOrEqual(rate + Math.ceil((rate * (at - first[0])) / 1_000) + 1);
    }
    expect(samples.at(-1)![0] - first[0]).toBeGreaterThanOrEqual(((names.length - rate) / rate) * 1_000 - 300);
    expect(await b.metric('concord_replication_catchup_documents_total')).toBe(20);
    expect(await b.metric('concord_rooms_loaded')).toBe(0);
  });

  it('a relay that was down compares only the documents changed meanwhile (its cursor), and gets them all', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A', { ROOM_IDLE_UNLOAD_MS: '0' });
    // B pulls A's directory every 300 ms: its cursor moves past what it already has.
    const b = await relay(hub, 'B', { ROOM_IDLE_UNLOAD_MS: '0', CLUSTER_ANTI_ENTROPY_MS: '300' });
    await heartbeatsExchanged(a, b);
    await writeDocuments(a, ['early-1', 'early-2', 'early-3']);
    await until(() => ['early-1', 'early-2', 'early-3'].every((n) => storedTitle(b, n) === `text of ${n}`), 'live replication');
    await sleep(700); // a periodic pull or two
    await b.close(); // B is down…
    const meanwhile = ['while-down-1', 'while-down-2', 'while-down-3', 'while-down-4'];
    await writeDocuments(a, meanwhile);
    const b2 = await relay(hub, 'B', { ROOM_IDLE_UNLOAD_MS: '0' }, b.dir); // …and back on its store
    await until(() => meanwhile.every((name) => storedTitle(b2, name) === `text of ${name}`), 'every document edited meanwhile', 5_000);
    await until(async () => (await b2.metric('concord_replication_catchup_backlog')) === 0, 'pull done');
    expect(await b2.metric('concord_replication_catchup_documents_total')).toBe(meanwhile.length); // not the 3 it had
  });
});
