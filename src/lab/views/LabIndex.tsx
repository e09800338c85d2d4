/**
 * /lab without a scenario: the chapter's decision matrix (§10), each row
 * linked to the scenarios that show why, then every scenario by section.
 */
import { allScenarios } from '../scenarios/registry';
import { STRATEGY_SCENARIOS } from '../scenarios/strategyScenarios';
import type { ScenarioGroup } from '../strategies/model';
import './StrategyView.css';

interface Row {
  useCase: string;
  single: boolean;
  multi: boolean;
  /** Why, in one line, and where the lab shows it. */
  why: string;
  links: { id: string; label: string }[];
}

/** The chapter's table, row for row. */
export const DECISION_MATRIX: Row[] = [
  {
    useCase: 'Simple CRUD app',
    single: true,
    multi: false,
    why: 'One leader never has write conflicts; with two, even the simplest rule silently drops a write.',
    links: [{ id: 'title-lww', label: 'last write wins' }],
  },
  {
    useCase: 'Global low-latency writes',
    single: false,
    multi: true,
    why: 'A local leader acks in ≈ 10 ms instead of a round trip to another continent.',
    links: [{ id: 'multi-dc', label: 'multi-datacenter latency' }],
  },
  {
    useCase: 'Offline capability',
    single: false,
    multi: true,
    why: 'Each device is a leader while offline; its changes merge when it reconnects.',
    links: [
      { id: 'cart', label: 'phone + browser cart' },
      { id: 'offline', label: 'offline editing' },
    ],
  },
  {
    useCase: 'Collaborative editing',
    single: false,
    multi: true,
    why: 'Every editor writes locally; CRDTs (or OT) merge concurrent edits character by character.',
    links: [
      { id: 'title-crdt', label: 'Yjs title' },
      { id: 'hello-world', label: 'OT vs CRDT' },
    ],
  },
  {
    useCase: 'Strong consistency needed',
    single: true,
    multi: false,
    why: 'Concurrent writes on two leaders are conflicts: someone must keep siblings, merge, or lose one; updates can even overtake their causes.',
    links: [
      { id: 'title-version-vectors', label: 'version vectors' },
      { id: 'topology-mesh', label: 'overtaking in a mesh' },
    ],
  },
  {
    useCase: 'Minimal operational complexity',
    single: true,
    multi: false,
    why: 'Replication topologies add failure modes: a failed hub or ring member stops replication.',
    links: [
      { id: 'topology-star', label: 'star' },
      { id: 'topology-ring', label: 'ring' },
    ],
  },
];

const GROUPS: ScenarioGroup[] = ['Conflict resolution', 'CRDTs', 'Topologies', 'Datacenters'];

export default function LabIndex() {
  return (
    <div className="lab lab-index">
      <header className="lab-head">
        <a className="home" href="/">
          Concord
        </a>
        <h1>Lab: multi-leader replication</h1>
      </header>
      <main>
        <section aria-labelledby="matrix-title">
          <h2 id="matrix-title">Single leader or multi-leader? The chapter's decision matrix</h2>
          <table className="decision-matrix" data-testid="decision-matrix">
            <thead>
              <tr>
                <th>Use case</th>
                <th>Single-leader</th>
                <th>Multi-leader</th>
                <th>Why — and see it happen</th>
              </tr>
            </thead>
            <tbody>
              {DECISION_MATRIX.map((r) => (
                <tr key={r.useCase} data-testid="matrix-row">
                  <th scope="row">{r.useCase}</th>
                  <td className={r.single ? 'yes' : 'no'} aria-label={r.single ? 'yes' : 'no'} data-label="Single-leader">
                    {r.single ? '✓ yes' : '✗ no'}
                  </td>
                  <td className={r.multi ? 'yes' : 'no'} aria-label={r.multi ? 'yes' : 'no'} data-label="Multi-leader">
                    {r.multi ? '✓ yes' : '✗ no'}
                  </td>
                  <td className="why">
                    {r.why}{' '}
                    {r.links.map((l, i) => (
                      <span key={l.id}>
                        {i > 0 && ' · '}
                        <a href={`/lab?scenario=${l.id}`}>{l.label} →</a>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="index-groups" aria-label="All scenarios">
          {GROUPS.map((g) => (
            <div key={g} className="index-group">
              <h3>{g}</h3>
              <ul>
                {STRATEGY_SCENARIOS.filter((s) => s.group === g).map((s) => (
                  <li key={s.id}>
                    <a href={`/lab?scenario=${s.id}`}>{s.title}</a> <span className="muted">{s.chapter}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <div className="index-group">
            <h3>OT vs CRDT</h3>
            <ul>
              {allScenarios().map((s) => (
                <li key={s.id}>
                  <a href={`/lab?scenario=${s.id}`}>{s.title}</a>
                </li>
              ))}
            </ul>
          </div>
        </section>
      </main>
    </div>
  );
}
