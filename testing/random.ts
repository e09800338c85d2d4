/**
 * The seeded generator schedules and bots draw from: mulberry32, the same one
 * the lab runs on (src/lab/sim/rng.ts), so a seed replays a run.
 */
export { makeRng as seededRandom } from '../src/lab/sim/rng';
