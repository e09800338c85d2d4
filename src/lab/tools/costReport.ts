/**
 * Prints each scenario's cost counters on both sides, run to the end with the
 * default rule and seed: `node --import tsx src/lab/tools/costReport.ts`.
 * Free mode has no script, so its row shows an idle run.
 */
import { LabRun } from '../run';
import { allScenarios } from '../scenarios/registry';

const rows = allScenarios().map((s) => {
  const run = new LabRun(s);
  run.runToEnd();
  const ot = run.ot.costs();
  const crdt = run.crdt.costs();
  const result = run.outcome(run.ot);
  return {
    scenario: s.id,
    result: result.state === 'done' ? result.text : result.state,
    'OT msgs': ot.messages,
    'OT bytes': ot.bytes,
    'OT transforms': ot.transforms,
    'OT log ops': ot.metadataCount,
    'CRDT msgs': crdt.messages,
    'CRDT bytes': crdt.bytes,
    'CRDT items': crdt.metadataCount,
    'CRDT tombstones': crdt.tombstones,
  };
});
console.table(rows);
