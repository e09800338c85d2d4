/** The one sentence that names the rule which decided the order of a tie. */
import type { Participant } from '../scenarios/types';

export function TieRule({ participants, ids, flipped }: { participants: Participant[]; ids: Map<string, number>; flipped: boolean }) {
  const byId = [...participants].filter((p) => ids.has(p.id)).sort((a, b) => ids.get(a.id)! - ids.get(b.id)!);
  const idList = byId.map((p) => `${p.name} = ${ids.get(p.id)}`).join(', ');
  return (
    <p className="tie-rule" data-testid="tie-rule">
      <strong>Tie rule{flipped ? ' (flipped)' : ''}:</strong>{' '}
      {flipped ? (
        <>
          OT puts the op that reached the server <em>first</em> on the <em>right</em>; Yjs puts the lower clientID on the left, with IDs reversed ({idList}).
        </>
      ) : (
        <>
          OT (like ot.js) keeps the op that reached the server <em>first</em> on the left; Yjs keeps the <em>lower clientID</em> on the left ({idList}).
        </>
      )}
    </p>
  );
}
