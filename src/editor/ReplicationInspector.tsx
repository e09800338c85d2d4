/**
 * The replication inspector: this tab's version vector (the Yjs state vector,
 * one clock per writer) next to the relay's acknowledged one, the edits not
 * yet stored, and recent updates in and out — the chapter's
 * "[A:1, B:0] vs [A:0, B:1]" made live.
 */
import { useRef } from 'react';
import * as Y from 'yjs';
import { peerUser } from '../protocol/presence';
import { relayClocks } from '../collab/relayClocks';
import type { Replica, ReplicaStatus } from '../collab/replica';
import { describeCopies } from '../collab/relayCopies';
import { useDocumentTicks } from '../collab/useDocumentTicks';
import { LEGACY_SEED_CLIENT_ID, SEED_CLIENT_ID } from '../protocol/document';

interface Writer {
  name: string;
  color: string;
}

export function ReplicationInspector({ replica, status }: { replica: Replica; status: ReplicaStatus }) {
  useDocumentTicks(replica.doc);
  // Names of writers stay known after they leave.
  const writers = useRef(
    new Map<number, Writer>([
      [SEED_CLIENT_ID, { name: 'new-document seed (relay)', color: '#6b7280' }],
      [LEGACY_SEED_CLIENT_ID, { name: 'new-document seed (older documents)', color: '#6b7280' }],
    ]),
  );
  replica.awareness.getStates().forEach((state, clientId) => {
    const user = peerUser(state);
    if (user) writers.current.set(clientId, user);
  });
  const me = replica.doc.clientID;
  const local = Y.decodeStateVector(Y.encodeStateVector(replica.doc));
  const relay = relayClocks(replica);
  const clients = [...new Set([...local.keys(), ...relay.keys()])].sort((a, b) => (a === me ? -1 : b === me ? 1 : a - b));
  const label = (clientId: number) => writers.current.get(clientId) ?? { name: `client ${clientId}`, color: '#9ca3af' };

  return (
    <aside className="inspector" data-testid="inspector" aria-label="Replication inspector">
      <h2>Replication</h2>
      <p className="inspector-note" data-testid="clock-explanation">
        Each writer has a clock that counts the items it has added to the document: one per character inserted, one per
        formatting boundary or attribute set. Concord also keeps each tab's caret in the document (where the selection
        starts and ends), so one typed character moves your clock by 3 and moving the caret by 2; deleting moves no clock
        (deletions are kept apart, in a delete set). This tab is a leader: its clocks move at once, the relay's when it has
        the edit. Two versions are <em>concurrent</em> when each has a clock the other lacks, like [A:1, B:0] and [A:0,
        B:1].
      </p>
      <table className="sv-table">
        <thead>
          <tr>
            <th>writer</th>
            <th>client id</th>
            <th>this tab</th>
            <th title="What the relay has, as far as this tab knows: its saved acks and every update it sent here">relay*</th>
          </tr>
        </thead>
        <tbody>
          {clients.map((clientId) => {
            const writer = label(clientId);
            const mine = local.get(clientId) ?? 0;
            const stored = relay.get(clientId) ?? 0;
            return (
              <tr
                key={clientId}
                data-testid="sv-entry"
                data-client-id={clientId}
                data-clock={mine}
                data-relay-clock={stored}
                data-self={clientId === me || undefined}
                className={mine !== stored ? 'behind' : ''}
              >
                <td>
                  <span className="colour-dot" style={{ backgroundColor: writer.color }} aria-hidden /> {writer.name}
                  {clientId === me && <span className="you-tag"> (you)</span>}
                </td>
                <td className="mono">{clientId}</td>
                <td className="mono">{mine}</td>
                <td className="mono">{stored}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="inspector-footnote">
        * live: the relay's stored clocks from its last `saved` ack, and from every update it has sent this tab (it stores
        what it forwards in the same moment)
      </p>
      <p className="inspector-pending" data-testid="inspector-pending">
        {status.pending === 0 ? 'The relay has stored every edit of this tab.' : `${status.pending} of your edits not stored by the relay yet.`}
      </p>
      <p className="inspector-copies" data-testid="stored-on" data-relays={status.copies.relays.join(',')}>
        {describeCopies(status.copies)}
      </p>
      <h3>Recent updates</h3>
      <ol className="update-log" data-testid="update-log">
        {[...replica.log.recent].reverse().map((entry) => (
          <li key={entry.id} className={`${entry.direction} ${entry.concurrent ? 'concurrent' : ''}`} data-testid="update-entry">
            <span className="direction">{entry.direction === 'in' ? '↓ in' : entry.direction === 'out' ? '↑ out' : '⟳ local copy'}</span>
            <span className="mono">{entry.bytes} B</span>
            <span className="authors">{entry.clients.map((c) => (c === me ? 'you' : label(c).name)).join(', ') || 'deletions'}</span>
            {entry.concurrent && <span className="concurrent-tag">concurrent with your unsaved edit</span>}
          </li>
        ))}
      </ol>
    </aside>
  );
}
