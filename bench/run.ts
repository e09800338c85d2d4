/**
 * `npm run bench [-- name ...]`: runs the named benchmarks, or all of them.
 * Benchmarks are not part of `npm test`: they print figures, they do not assert them.
 * QUICK=1 runs smaller sizes (a smoke run). A full run of every peer benchmark
 * also writes bench/RESULTS.md.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchBigDocument } from './bigDocument';
import { benchBots } from './bots';
import { benchClassroom } from './classroom';
import { benchCluster } from './cluster';
import { benchColdLoad } from './coldLoad';
import { benchDurability } from './durability';
import { benchFanout } from './fanout';
import { benchHistory } from './history';
import { benchHotDocument } from './hotDocument';
import { benchMemory } from './memory';
import { machineLine, QUICK, report, waitForQuiet } from './lib/report';
import { benchLocalFirst } from './localFirst';
import { benchPropagation } from './propagation';

/** The peer benchmarks (Concord against @y/websocket-server and Hocuspocus), in run order. */
const peerBenchmarks: Record<string, () => Promise<void>> = {
  fanout: benchFanout,
  hot: benchHotDocument,
  cold: benchColdLoad,
  memory: benchMemory,
  durability: benchDurability,
};

/** Benchmarks that run only when named: propagation, local-first and big-document need a built app and a Chromium, cluster a redis-server; bots steps up a class until p99 delivery passes 50 ms. */
const namedOnly: Record<string, () => Promise<void>> = {
  propagation: benchPropagation,
  'local-first': benchLocalFirst,
  classroom: benchClassroom,
  bots: benchBots,
  cluster: benchCluster,
  'big-document': benchBigDocument,
  history: benchHistory,
};

const all = { ...peerBenchmarks, ...namedOnly };
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!all[name]) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(all).join(', ')}`);
    process.exit(1);
  }
}
const names = wanted.length ? wanted : Object.keys(peerBenchmarks);
const startedAt = new Date();
const loadAtStart = loadavg();
/** Which relay code ran: the commit, and whether server/ had uncommitted changes (another engineer may be mid-edit). */
function relayRevision(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- server src/protocol', { encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in server/ or src/protocol/` : head;
  } catch {
    return 'unknown';
  }
}
const revision = relayRevision();
const command = `${QUICK ? 'QUICK=1 ' : ''}npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}`;
console.log(
  `# Concord relay benchmarks\n\n${startedAt.toISOString()} · ${machineLine()} · relay ${revision} · load average ${loadAtStart.map((n) => n.toFixed(1)).join(' ')} · \`${command}\``,
);
for (const name of names) {
  if (peerBenchmarks[name]) await waitForQuiet();
  await all[name]();
}
const minutes = (Date.now() - startedAt.getTime()) / 60_000;
console.log(`\nTotal: ${minutes.toFixed(1)} min`);

if (!wanted.length && !QUICK) {
  const header = [
    '# Benchmark results',
    '',
    `- Date: ${startedAt.toISOString()}`,
    `- Machine: ${machineLine()} (nproc ${availableParallelism()}); load average at start ${loadAtStart.map((n) => n.toFixed(1)).join(' ')}, at end ${loadavg().map((n) => n.toFixed(1)).join(' ')}` +
      ' (the machine is shared with other work: figures above ~2 mean other processes competed for the 2 cores)',
    `- Relay revision: ${revision}`,
    `- Command: \`${command}\` (took ${minutes.toFixed(1)} min)`,
    '- How: each server runs as its own child process (`bench/servers/*.ts`, all started with the same `node --import tsx --expose-gc`, Concord also with its production flags from `server/relayNodeFlags.json`); ' +
      'one load-generator process drives all of them with the same raw-protocol client (`bench/lib/loadClient.ts`). ' +
      'Timing goals from issue 5 are printed, not asserted.',
    '',
  ];
  writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), header.join('\n') + report.markdown.join('\n'));
  console.log('Wrote bench/RESULTS.md');
}
process.exit(0);
