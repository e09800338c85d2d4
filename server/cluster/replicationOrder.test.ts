/**
 * X8 with the messages in the other order: a peer's `replicated` for an
 * update can arrive before this relay's own commit of it returns (its fsync
 * ran longer). The tab must still be told `stored` on both relays, with its
 * `saved`, at this relay's commit.
 */
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeStored, STORED_MESSAGE } from '../../src/protocol/stored';
import { createMetrics } from '../metrics';
import type { AckTarget, ClusterRoom } from './clusterLink';
import { Replication } from './replication';

const opened: Replication[] = [];
afterEach(() => {
  for (const replication of opened.splice(0)) replication.close();
});

it('X8b: a peer that confirmed before our commit returned: `saved` and `stored` on A and B both come at the commit', () => {
  const replication = new Replication({ relayId: 'A', acks: 2, ackTimeoutMs: 300 }, createMetrics(), {
    flushStorage: () => true,
    publishReplicated: () => {},
    livePeers: () => 1,
    requestCopies: () => {},
    waitsForReports: () => false,
  });
  opened.push(replication);
  const sent: Uint8Array[] = [];
  const saved: number[] = [];
  const tab: AckTarget = { wantsAcks: true, isOpen: true, send: (frame) => sent.push(frame) };
  const room = { name: 'r', doc: new Y.Doc(), ackSaved: (_target: AckTarget, frames: number) => saved.push(frames) } as unknown as ClusterRoom;

  replication.roomLoaded('r');
  const seq = replication.nextSeq('r'); // the tab's update, published to B
  replication.peerSeen('B', 'store-b');
  replication.confirmed('B', replication.epoch, [['r', seq]]); // B committed it first

  expect(replication.committed(room, tab, 1)).toBe(1);
  const notices = sent.filter((frame) => frame[0] === STORED_MESSAGE).map(decodeStored);
  expect(notices.at(-1)).toMatchObject({ frames: 1, required: 2, relays: ['A', 'B'] });
});
