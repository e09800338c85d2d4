/**
 * Yjs's metadata made visible: one card per character of a replica, with its
 * id (client:clock), left origin (←) and right origin (→), tombstones struck
 * through. The order of the cards is the document order Yjs derived from them.
 */
import { useState } from 'react';
import { charRows } from '../crdt/inspect';
import type { CrdtSide } from '../crdt/crdtSide';
import type { Participant } from '../scenarios/types';

export function ItemInspector({ side, participants }: { side: CrdtSide; participants: Participant[] }) {
  const [chosen, setChosen] = useState<string>('relay');
  const replica = chosen === 'relay' ? side.relay : side.replicas.get(chosen);
  const rows = replica ? charRows(replica.text) : [];
  const colorOfClient = (client: string) =>
    participants.find((p) => String(side.ids.get(p.id)) === client)?.color ?? '#374151';
  return (
    <section className="inspector" aria-label="Yjs item inspector">
      <h3>Items in</h3>
      <div className="inspector-tabs" role="radiogroup" aria-label="Replica to inspect">
        {['relay', ...participants.map((p) => p.id)].map((id) => (
          <button key={id} role="radio" aria-checked={chosen === id} className={chosen === id ? 'on' : ''} onClick={() => setChosen(id)}>
            {id === 'relay' ? 'Relay' : id}
          </button>
        ))}
      </div>
      <span className="muted inspector-key">id = client:clock · ← left origin · → right origin · client 100 wrote the initial text</span>
      {rows.length === 0 ? (
        <p className="muted">{replica ? 'No items yet.' : `${chosen} has not joined yet.`}</p>
      ) : (
        <ol className="chars">
          {rows.map((r) => (
            <li key={r.id} className={r.deleted ? 'char deleted' : 'char'} style={{ borderColor: colorOfClient(r.id.split(':')[0]) }}>
              <span className="glyph">{r.char === ' ' ? '␣' : r.char}</span>
              <span className="cid">{r.id}</span>
              <span className="origin">← {r.origin}</span>
              <span className="origin">→ {r.rightOrigin}</span>
              {r.deleted && <span className="tomb">deleted</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
