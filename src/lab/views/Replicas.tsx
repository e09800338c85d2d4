/**
 * Each participant's current text, with what its side keeps about it: OT
 * client state and revision; Yjs clientID and state vector.
 */
import { formatStateVector, stateVector } from '../crdt/inspect';
import type { CrdtSide } from '../crdt/crdtSide';
import { describeOp } from '../ot/ops';
import type { ClientState } from '../ot/client';
import type { OtSide } from '../ot/otSide';
import type { Participant } from '../scenarios/types';

function Card({ title, color, text, detail }: { title: string; color: string; text: string | undefined; detail: string }) {
  return (
    <div className="replica" style={{ borderTopColor: color }}>
      <div className="replica-name" style={{ color }}>
        {title}
      </div>
      <div className="replica-text">{text === undefined ? <em>not joined</em> : text ? `"${text}"` : <em>empty</em>}</div>
      <div className="replica-detail">{detail}</div>
    </div>
  );
}

function describeState(s: ClientState): string {
  switch (s.name) {
    case 'Synchronized':
      return 'Synchronized';
    case 'AwaitingConfirm':
      return `AwaitingConfirm (${describeOp(s.outstanding)})`;
    case 'AwaitingWithBuffer':
      return `AwaitingWithBuffer (${describeOp(s.outstanding)} | buffer ${describeOp(s.buffer)})`;
  }
}

export function OtReplicas({ side, participants }: { side: OtSide; participants: Participant[] }) {
  return (
    <div className="replicas">
      {participants.map((p) => {
        const c = side.clients.get(p.id);
        return <Card key={p.id} title={p.name} color={p.color} text={c?.doc} detail={c ? `${describeState(c.state)} · rev ${c.revision}` : ''} />;
      })}
      <Card title="Server" color="#111" text={side.server.doc} detail={`rev ${side.server.revision}`} />
    </div>
  );
}

export function CrdtReplicas({ side, participants }: { side: CrdtSide; participants: Participant[] }) {
  return (
    <div className="replicas">
      {participants.map((p) => {
        const r = side.replicas.get(p.id);
        return (
          <Card
            key={p.id}
            title={`${p.name} · id ${side.ids.get(p.id)}`}
            color={p.color}
            text={r?.toString()}
            detail={r ? `sv ${formatStateVector(stateVector(r.doc))}` : ''}
          />
        );
      })}
      <Card title="Relay" color="#111" text={side.relay.toString()} detail={`sv ${formatStateVector(stateVector(side.relay.doc))}`} />
    </div>
  );
}
