/**
 * The cluster protocol (relayCluster.ts, rules X1–X5 of docs/PROTOCOL.md) with relays joined
 * through an in-memory hub instead of Redis: same code path, no Redis needed.
 * The same scenarios against a real Redis are in e2e-cluster/ (npm run test:cluster).
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAwareness } from '../../src/protocol/codec';
import { RawClient, eventually, title } from '../relay/testing';
import { NULL_ROOM_BUS } from './clusterLink';
import { heartbeatsExchanged, startClusterRelay, stopClusterRelays } from './testing';
import { MemoryHub } from './transport';

const relay = startClusterRelay;

async function connected(url: string): Promise<RawClient> {
  const client = new RawClient(url);
  await client.opened;
  await client.until(() => client.doc.store.clients.size > 0, 'first sync');
  return client;
}

const clients: RawClient[] = [];
function track(client: RawClient) {
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await stopClusterRelays();
});

describe('relays joined through a hub', () => {
  it('X1+X2: an update typed on A reaches B’s client, is stored on B, and is published once', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    const alice = track(await connected(a.ws('doc')));
    const bob = track(await connected(b.ws('doc')));
    alice.doc.getText('title').insert(0, 'from A');
    await bob.until(() => title(bob) === 'from A', 'the update on B');
    bob.doc.getText('title').insert(0, 'B+');
    await alice.until(() => title(alice) === 'B+from A', 'the update on A');
    // Each client has the other's edit, so each relay has handled the other's update (an echo
    // would have been published then); A has also heard its own back from the hub.
    await eventually(async () => (await a.metric('concord_redis_messages_total', 'direction="in",kind="own"')) >= 1, 'A hears its own message');
    // Each relay published its own client's update once, and never what it received.
    expect(await a.metric('concord_redis_messages_total', 'direction="out",kind="update"')).toBe(1);
    expect(await b.metric('concord_redis_messages_total', 'direction="out",kind="update"')).toBe(1);
    expect(await a.metric('concord_redis_messages_total', 'direction="in",kind="own"')).toBeGreaterThanOrEqual(1);
    expect(await b.metric('concord_cluster_updates_applied_total')).toBeGreaterThanOrEqual(1);

    // B stored A's update in its own SQLite: B alone, restarted on its store, has it.
    await b.concord.close();
    const bAlone = await relay(null, 'B', {}, b.dir);
    const later = track(await connected(bAlone.ws('doc')));
    expect(title(later)).toBe('B+from A');
  });

  it('X3: edits made on both sides while the hub is down converge when it is back, without reconnecting clients', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    const alice = track(await connected(a.ws('doc')));
    const bob = track(await connected(b.ws('doc')));
    alice.doc.getText('title').insert(0, 'x');
    await bob.until(() => title(bob) === 'x', 'first update');
    hub.setUp(false);
    const acked = [alice.acks.length, bob.acks.length];
    alice.doc.getText('title').insert(1, 'A');
    bob.doc.getText('title').insert(0, 'B');
    // Each relay has handled (and stored) its client's edit while the hub is down.
    await alice.until(() => alice.acks.length > acked[0], 'A saves alice’s edit');
    await bob.until(() => bob.acks.length > acked[1], 'B saves bob’s edit');
    expect(title(alice)).toBe('xA');
    expect(title(bob)).toBe('Bx');
    hub.setUp(true);
    await alice.until(() => title(alice) === 'BxA', 'B’s edit on A');
    await bob.until(() => title(bob) === 'BxA', 'A’s edit on B');
    expect(await a.metric('concord_cluster_catchups_total', 'reason="reconnect"')).toBeGreaterThanOrEqual(1);
    expect(await a.metric('concord_redis_publish_dropped_total')).toBeGreaterThanOrEqual(1);
  });

  it('X3: a deletion lost while the hub was down is healed by anti-entropy (delete-set digest)', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    const alice = track(await connected(a.ws('doc')));
    const bob = track(await connected(b.ws('doc')));
    alice.doc.getText('title').insert(0, 'abc');
    await bob.until(() => title(bob) === 'abc', 'insert');
    // A delete does not move the state vector: only the digest tells the relays apart.
    // The state vectors stay equal, so without the digest no catch-up would send it.
    hub.setUp(false);
    const acked = alice.acks.length;
    alice.doc.getText('title').delete(1, 1);
    await alice.until(() => alice.acks.length > acked, 'A saves the deletion while the hub is down');
    hub.setUp(true);
    await bob.until(() => title(bob) === 'ac', 'the deletion', 5_000);
  });

  it('X3: a relay with an empty store gets a room the other relay holds, loaded or only stored', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A', { ROOM_IDLE_UNLOAD_MS: '0' });
    const alice = track(await connected(a.ws('stored-only')));
    alice.doc.getText('title').insert(0, 'kept on A');
    await alice.until(() => alice.acks.length > 0, 'saved on A');
    alice.close();
    await eventually(() => a.concord.rooms.peek('stored-only') === undefined, 'A unloads the room (nobody in it)');

    const b = await relay(hub, 'B');
    const bob = track(await connected(b.ws('stored-only')));
    await bob.until(() => title(bob) === 'kept on A', 'the document from A’s store');
    expect(await b.metric('concord_cluster_catchups_total', 'reason="load"')).toBe(1);
  });

  it('X5: presence crosses relays, and a relay’s clients are removed once its heartbeats stop (no goodbye)', async () => {
    const hub = new MemoryHub();
    const a = await relay(hub, 'A');
    const b = await relay(hub, 'B');
    const alice = track(await connected(a.ws('doc')));
    const bob = track(await connected(b.ws('doc')));
    await heartbeatsExchanged(a, b);
    const aliceAwareness = new awarenessProtocol.Awareness(alice.doc);
    aliceAwareness.setLocalState({ user: { name: 'Alice' } });
    alice.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(aliceAwareness, [alice.doc.clientID])));
    const bRoom = () => b.concord.rooms.peek('doc')!;
    await bob.until(() => bRoom().awareness.getStates().has(alice.doc.clientID), 'alice’s presence on B');
    const framesBefore = bob.received.length;
    // A goes silent as a crashed relay does: it sends nothing more, no heartbeat
    // and no goodbye, while alice's socket stays open on it (so nothing on A removes her).
    a.transport!.setUp(false);
    await bob.until(() => !bRoom().awareness.getStates().has(alice.doc.clientID), 'alice’s presence gone from B', 3_000);
    await bob.until(() => bob.received.length > framesBefore, 'bob to be told');
    expect(alice.closeCode).toBeNull();
    expect(a.concord.rooms.peek('doc')!.awareness.getStates().has(alice.doc.clientID)).toBe(true);
    aliceAwareness.destroy();
  });

  it('without a transport the relay has no cluster: status off, nothing published', async () => {
    const solo = await relay(null, 'S');
    const client = track(await connected(solo.ws('doc')));
    client.doc.getText('title').insert(0, 'alone');
    await client.until(() => client.acks.length > 0, 'saved');
    expect(solo.concord.rooms.peek('doc')!.bus).toBe(NULL_ROOM_BUS);
    const health = await (await fetch(`${solo.concord.url}/healthz`)).json();
    expect(health.cluster).toEqual({ relayId: 'S', redis: 'off', peers: 0 });
    expect(await solo.metric('concord_redis_connected')).toBe(0);
  });
});
