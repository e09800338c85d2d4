/**
 * The replication lab's scenarios (issue 6): conflict strategies, CRDT data
 * types, topologies and datacenters. They are not OT-vs-CRDT scripts, so they
 * live in their own registry; LabPage renders these with StrategyView and the
 * others with the OT-vs-CRDT view.
 */
import { cartScenario } from '../strategies/cartScenario';
import { counterScenario } from '../strategies/counterScenario';
import type { StrategyScenario } from '../strategies/model';
import { multiDc } from '../strategies/multiDc';
import { setScenario } from '../strategies/setScenario';
import { titleCrdt } from '../strategies/titleCrdt';
import { titleLww } from '../strategies/titleLww';
import { titleAppMerge, titleVersionVectors } from '../strategies/titleVersionVectors';
import { topologyMesh, topologyRing, topologyStar } from '../strategies/topologyScenario';

export const STRATEGY_SCENARIOS: readonly StrategyScenario[] = [
  titleLww,
  titleVersionVectors,
  titleCrdt,
  titleAppMerge,
  counterScenario,
  setScenario,
  cartScenario,
  topologyMesh,
  topologyStar,
  topologyRing,
  multiDc,
];

export function findStrategyScenario(id: string | null | undefined): StrategyScenario | undefined {
  return STRATEGY_SCENARIOS.find((s) => s.id === id);
}
