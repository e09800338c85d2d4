/**
 * What an idle socket and an idle room hold (issue 14: memory per connection
 * and per loaded room). A synced, silent socket has no held-update list, no
 * awareness set and no rate-limit pause state, and a room nobody published
 * presence in has no Awareness (with its timer and Maps); each is made when
 * first used and the per-socket ones go again when done. bench/heapProbe.ts
 * measures what that saves.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeAwareness, encodeUpdate } from '../../src/protocol/codec';
import type { Connection } from './connection';
import { RawClient, startTestRelay, title, type TestRelay } from './testing';

let relay: TestRelay;
const clients: RawClient[] = [];

function connect(room: string): RawClient {
  const client = new RawClient(relay.wsUrl(room));
  clients.push(client);
  return client;
}

function connectionsOf(room: string): Connection[] {
  return [...(relay.concord.rooms.peek(room)?.connections ?? [])];
}

/** The per-socket structures made on first use (private fields, read for this test only). */
function lazyParts(connection: Connection) {
  const fields = connection as unknown as { held: unknown; ownedAwareness: unknown; throttling: unknown };
  return { held: fields.held, ownedAwareness: fields.ownedAwareness, throttling: fields.throttling };
}

beforeEach(async () => {
  relay = await startTestRelay({ RATE_LIMIT_BURST: '20', RATE_LIMIT_PER_S: '20' });
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay.stop();
});

describe('lean idle sockets and rooms', () => {
  it('L1: synced idle sockets hold no held-update list, awareness set or pause state, and their room no Awareness', async () => {
    const alice = connect('l1');
    const bob = connect('l1');
    await Promise.all([alice.opened, bob.opened]);
    alice.doc.getText('title').insert(0, 'hello');
    await bob.until(() => title(bob) === 'hello', 'bob to see the edit');
    await alice.roundTrip();
    await bob.roundTrip();
    const connections = connectionsOf('l1');
    expect(connections).toHaveLength(2);
    for (const connection of connections) {
      expect(lazyParts(connection)).toEqual({ held: null, ownedAwareness: null, throttling: null });
      expect(connection.awarenessClients.size).toBe(0);
    }
    expect(relay.concord.rooms.peek('l1')!.presence.hasAwareness).toBe(false);
  });

  it('L2: each is made when used (presence, an update that waits, a rate-limit pause) and the per-socket ones go when done', async () => {
    const alice = connect('l2');
    await alice.opened;
    await alice.roundTrip();
    const [connection] = connectionsOf('l2');

    // Presence: the room's Awareness and this socket's set of client ids.
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState({ user: { name: 'Alice', color: '#112233' } });
    alice.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
    await alice.until(() => connection.awarenessClients.has(awareness.clientID), 'the relay to own the state');
    expect(relay.concord.rooms.peek('l2')!.presence.hasAwareness).toBe(true);
    awareness.setLocalState(null);
    alice.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
    await alice.until(() => lazyParts(connection).ownedAwareness === null, 'the set to go with the last state');
    awareness.destroy();

    // An update that builds on one the relay has not seen waits on the socket, then goes.
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (update: Uint8Array) => updates.push(update));
    writer.getText('title').insert(0, 'a');
    writer.getText('title').insert(1, 'b');
    alice.send(encodeUpdate(updates[1]));
    await alice.until(() => Array.isArray(lazyParts(connection).held), 'the second edit to wait');
    alice.send(encodeUpdate(updates[0]));
    await alice.until(() => title(alice) === 'ab' || lazyParts(connection).held === null, 'the wait to end');
    await alice.until(() => lazyParts(connection).held === null, 'the held list to go');

    // Past the bucket (burst 20) the socket is paused once: that makes its pause state.
    for (let i = 0; i < 40; i++) alice.send(encodeUpdate(Y.encodeStateAsUpdate(new Y.Doc())));
    await alice.until(() => connection.throttles > 0, 'a rate-limit pause');
    expect(lazyParts(connection).throttling).not.toBeNull();
  });
});
