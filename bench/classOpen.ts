/**
 * A class opening one big document at once: N clients with nothing yet
 * (fresh tabs, compact sync as Concord's tabs ask) connect together to a
 * 10,000-paragraph document; prints how long until all of them are synced,
 * each client's connect → synced, and the relay's event-loop delay p99 and
 * whole-document encodes meanwhile. Three rounds, each after the last closed.
 *
 *   npx tsx bench/classOpen.ts        (N=30; not part of npm run bench)
 */
import { writeParagraphs } from './lib/bigWriter';
import { LoadClient } from './lib/loadClient';
import { fmt, percentile } from './lib/report';
import { startServer, type RunningServer } from './lib/servers';

const N = Number(process.env.N ?? 30);
const PARAGRAPHS = Number(process.env.PARAGRAPHS ?? 10_000);

async function metric(server: RunningServer, name: string): Promise<number> {
  return (await server.metrics()).get(name) ?? NaN;
}

const server = await startServer('concord');
try {
  const { writer } = await writeParagraphs(server, 'big', PARAGRAPHS);
  for (let round = 1; round <= 3; round++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const encodesBefore = await metric(server, 'concord_compact_sync_encodes_total');
    await server.stats(true); // resets the monitor's CPU and event-loop figures
    const started = performance.now();
    const clients = Array.from({ length: N }, () => new LoadClient({ url: server.url('big'), room: 'big', dialect: server.dialect, compactSync: true }));
    await Promise.all(clients.map((client) => client.opened.then(() => client.synced)));
    const all = performance.now() - started;
    const stats = await server.stats();
    const each = clients.map((client) => client.syncedAt - client.startedAt);
    const encodes = (await metric(server, 'concord_compact_sync_encodes_total')) - encodesBefore;
    console.log(
      `round ${round}: ${N} fresh clients, all synced after ${fmt(all)} ms; each connect → synced p50 ${fmt(percentile(each, 50))}, max ${fmt(Math.max(...each))} ms; ` +
        `relay event-loop delay p99 ${fmt(stats.eventLoopP99Ms, 1)} / max ${fmt(stats.eventLoopMaxMs, 1)} ms, CPU ${fmt(stats.cpuMs)} ms; whole-document encodes ${Number.isNaN(encodes) ? 'n/a (metric absent)' : encodes}`,
    );
    await Promise.all(clients.map((client) => client.close()));
  }
  await writer.close();
} finally {
  await server.stop();
}
process.exit(0);
