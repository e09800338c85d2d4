/**
 * The result of one side: the common final text once the run is over. The
 * element holds only that text (tests read textContent and data-text); the
 * "running…" placeholder comes from CSS so it never pollutes the text.
 */
import type { Outcome } from '../run';
import type { SideName } from '../side';

export function ResultPanel({ side, outcome }: { side: SideName; outcome: Outcome }) {
  const text = outcome.state === 'done' ? outcome.text : '';
  return (
    <div className="lab-result">
      <span className="lab-result-label">Result</span>
      <output data-testid={`${side}-result`} data-state={outcome.state} data-text={text} data-long={text.length > 14 || undefined} aria-live="polite">
        {text}
      </output>
      {outcome.state === 'diverged' && <span className="lab-diverged">diverged: {outcome.texts.map((t) => `"${t}"`).join(' ≠ ')}</span>}
    </div>
  );
}
