/** What happened at the current moment on one side, in sentences. */
import type { LabSide } from '../side';

export function StepNarration({ side, now, started }: { side: Pick<LabSide, 'trace'>; now: number; started: boolean }) {
  const lines = started ? side.trace.filter((t) => t.at === now) : [];
  return (
    <ul className="narration" aria-live="polite">
      {lines.length === 0 ? (
        <li className="muted">{started ? `Nothing happens on this side at ${now} ms.` : 'Press Step (Space) to start.'}</li>
      ) : (
        lines.map((l, i) => (
          <li key={i} className={`k-${l.kind}`}>
            {l.text}
          </li>
        ))
      )}
    </ul>
  );
}
