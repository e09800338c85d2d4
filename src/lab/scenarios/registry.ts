/**
 * The scenario registry. Open for extension: a later issue registers more
 * scenarios (strategies, topologies) with `registerScenario`.
 */
import { free } from './free';
import { helloWorld } from './helloWorld';
import { insertVsDelete } from './insertVsDelete';
import { interleaving } from './interleaving';
import { offline } from './offline';
import { threeUsers } from './threeUsers';
import type { Scenario } from './types';

const scenarios = new Map<string, Scenario>();

export function registerScenario(s: Scenario) {
  if (scenarios.has(s.id)) throw new Error(`scenario "${s.id}" is registered twice`);
  scenarios.set(s.id, s);
}

for (const s of [helloWorld, interleaving, insertVsDelete, threeUsers, offline, free]) registerScenario(s);

export const DEFAULT_SCENARIO = helloWorld.id;

export function allScenarios(): Scenario[] {
  return [...scenarios.values()];
}

export function findScenario(id: string | null | undefined): Scenario | undefined {
  return id ? scenarios.get(id) : undefined;
}
