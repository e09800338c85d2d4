/** The cost counters of one side, in one line. */
import type { Costs as CostsData } from '../side';

export function Costs({ costs }: { costs: CostsData }) {
  return (
    <dl className="costs" aria-label="Costs">
      <div>
        <dt>messages</dt>
        <dd data-testid="cost-messages">{costs.messages}</dd>
      </div>
      <div>
        <dt>bytes</dt>
        <dd data-testid="cost-bytes">{costs.bytes}</dd>
      </div>
      {costs.transforms !== undefined && (
        <div>
          <dt>transforms</dt>
          <dd>{costs.transforms}</dd>
        </div>
      )}
      <div className="wide">
        <dt>metadata</dt>
        <dd>{costs.metadata}</dd>
      </div>
    </dl>
  );
}
