/**
 * The Node flags every relay process starts with (`npm start`, `npm run dev`,
 * the e2e and cluster tests, `concord/testing`'s relay, the benchmarks), kept
 * in relayNodeFlags.json so that scripts/start.mjs (plain JavaScript) reads the
 * same list. `--max-semi-space-size=2`: V8's young generation is allowed to
 * grow to 2 MB instead of 16, which it otherwise does under a burst of
 * connections or writes and gives back only after seconds of idleness: the
 * relay's resident memory per idle socket and per loaded room was mostly that
 * buffer (README "A lean relay"; `npm run bench -- memory`). The smaller one
 * costs ~5 % of durable-ack throughput under heavy writes (more frequent
 * collections; `npm run bench -- durability` with BENCH_SERVER_NODE_FLAGS to
 * compare): memory per socket is what decides how many tabs a relay holds.
 */
import { readFileSync } from 'node:fs';

export const RELAY_NODE_FLAGS: readonly string[] = JSON.parse(readFileSync(new URL('./relayNodeFlags.json', import.meta.url), 'utf8'));
