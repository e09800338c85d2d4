/** The OT server's revision log: the one order every client converges to. */
import { describeOp } from '../ot/ops';
import type { OtSide } from '../ot/otSide';
import type { Participant } from '../scenarios/types';

export function ServerLog({ side, participants }: { side: OtSide; participants: Participant[] }) {
  const color = (id: string) => participants.find((p) => p.id === id)?.color;
  return (
    <section className="server-log" aria-label="OT server log">
      <h3>Server log</h3>
      {side.server.log.length === 0 ? (
        <p className="muted">No ops yet.</p>
      ) : (
        <ol>
          {side.server.log.map((e, i) => (
            <li key={i}>
              <span className="rev">rev {i + 1}</span> <strong style={{ color: color(e.author) }}>{e.author}</strong> {describeOp(e.op)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
