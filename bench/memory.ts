/**
 * Memory: the server's RSS growth per idle connection (1,000 clients that
 * connect, sync and then stay silent) — all in one room, and each in its own
 * room — and per loaded room (a room holding the first 1,000 edits of the
 * automerge-paper trace, with its one writer still connected). Each case runs
 * in a fresh server process; RSS is read inside it after two forced GCs
 * (node --expose-gc), before and after. Issue 5 goal: no more than the best peer.
 */
import * as Y from 'yjs';
import { closeAll, connectMany, LoadClient } from './lib/loadClient';
import { fmt, kib, mib, QUICK, report, sleep, withRatio } from './lib/report';
import { SERVER_KINDS, SERVER_LABELS, startServer, type RunningServer, type ServerKind } from './lib/servers';
import { stateVectorOf, traceUpdates } from './lib/trace';

const CONNECTIONS = QUICK ? 200 : 1_000;
const LOADED_ROOMS = QUICK ? 20 : 100;
const EDITS_PER_ROOM = 1_000;
/**
 * Loaded rooms made (and their writers closed) before measuring, so that code
 * compiled while rooms load is not counted per room. One was not enough: heap
 * snapshots (`npx tsx bench/heapProbe.ts concord|reference loaded 100`) showed
 * ~5–6 KB per room of code, feedback vectors and deopt data still being added
 * across the 100 rooms for both servers, more for Concord (more code on the
 * path); with 20, the heap per loaded room fell from 32.4 / 31.7 KiB (Concord /
 * reference) to 24.2–24.8 / 25.4–26.2.
 */
const WARM_ROOMS = 20;

type Case = 'one room' | 'room each' | 'loaded rooms';
const CASES: Case[] = ['one room', 'room each', 'loaded rooms'];

interface MemoryRun {
  baselineRss: number;
  perItemRss: number;
  perItemHeap: number;
  /** RSS growth without the V8 young generation's: how much of that buffer V8 keeps after a burst depends on its allocation rate, not on what is retained. */
  perItemRssOld: number;
}

const youngGeneration = (stats: { heapSpaces: Record<string, number> }) => (stats.heapSpaces.new_space ?? 0) + (stats.heapSpaces.new_large_object_space ?? 0);

async function settledStats(server: RunningServer) {
  await sleep(500);
  await server.gc();
  return server.stats();
}

/**
 * `rooms` rooms (`loaded-<i>`) each holding the first `edits` edits of the automerge-paper
 * trace, one writer connected to each; resolves when every room has it. The edits go in one
 * frame (as a client's first sync would): the room ends up the same as with one frame per
 * edit, without the allocation churn that RSS never gives back.
 */
export async function loadTraceRooms(server: RunningServer, rooms: number, edits: number, prefix = 'loaded'): Promise<LoadClient[]> {
  const trace = traceUpdates(edits);
  const content = Y.mergeUpdates(trace.updates);
  const writers = await connectMany(rooms, (i) => {
    const room = `${prefix}-${i}`;
    return new LoadClient({ url: server.url(room, { acks: true }), room, dialect: server.dialect });
  }, 20);
  await Promise.all(
    writers.map(async (writer) => {
      writer.sendUpdate(content);
      const answered = writer.step2Received;
      writer.sendStep1(stateVectorOf(trace.clientId, trace.clocks[trace.clocks.length - 1]));
      await writer.until(() => writer.step2Received > answered, 'room loaded', 120_000);
    }),
  );
  return writers;
}

async function memoryOnce(kind: ServerKind, which: Case): Promise<MemoryRun> {
  const server = await startServer(kind);
  const clients: LoadClient[] = [];
  try {
    // Warm the server up with one throwaway client (or, for loaded rooms, WARM_ROOMS throwaway loaded
    // rooms) so that code compiled on first use is not counted per connection or per room.
    if (which === 'loaded rooms') {
      await closeAll(await loadTraceRooms(server, WARM_ROOMS, EDITS_PER_ROOM, 'warm-up'));
    } else {
      const warm = new LoadClient({ url: server.url('warm-up'), room: 'warm-up', dialect: server.dialect });
      await warm.opened.then(() => warm.synced);
      await warm.close();
    }
    const before = await settledStats(server);
    let items: number;
    if (which === 'loaded rooms') {
      items = LOADED_ROOMS;
      clients.push(...(await loadTraceRooms(server, LOADED_ROOMS, EDITS_PER_ROOM)));
    } else {
      items = CONNECTIONS;
      clients.push(
        ...(await connectMany(CONNECTIONS, (i) => {
          const room = which === 'one room' ? 'idle' : `idle-${i}`;
          return new LoadClient({ url: server.url(room), room, dialect: server.dialect });
        })),
      );
    }
    const after = await settledStats(server);
    if (clients.some((client) => client.closeCode !== null)) throw new Error(`${kind}: a client was disconnected`);
    return {
      baselineRss: before.rssBytes,
      perItemRss: (after.rssBytes - before.rssBytes) / items,
      perItemHeap: (after.heapUsedBytes - before.heapUsedBytes) / items,
      perItemRssOld: (after.rssBytes - youngGeneration(after) - (before.rssBytes - youngGeneration(before))) / items,
    };
  } finally {
    await closeAll(clients);
    await server.stop();
  }
}

export async function benchMemory(): Promise<void> {
  report.section(
    'Memory',
    `RSS growth of the server process per idle connection (${fmt(CONNECTIONS)} clients, synced, silent; one room / a room each) ` +
      `and per loaded room (${fmt(LOADED_ROOMS)} rooms, each holding the first ${fmt(EDITS_PER_ROOM)} automerge-paper edits sent as one update, its writer still connected; ${WARM_ROOMS} such rooms loaded and left first, to warm the code up). ` +
      'Fresh server process per case, RSS and heap read after forced GC. Baseline = RSS before the clients (includes the tsx loader every server is started with). ' +
      'RSS includes the V8 young generation, a buffer V8 grows during a burst of allocation (here: the clients connecting) and shrinks only once the process has been idle for a while (measured: after ~7 s idle it is back to its minimum for every server), ' +
      'so it is also shown without it; JS heap is what is retained (heapUsed). Concord runs with its production flag `--max-semi-space-size=2` (server/relayNodeFlags.json), which caps that buffer at 2 MB (V8\'s default: 16); the peers with Node\'s defaults. ' +
      'With the young generation capped, what it would have held is promoted and counted in the column without it: RSS is the figure to compare. ' +
      'Concord\'s RSS also holds SQLite\'s page cache (up to 2 MiB) for what it stored; the peers store nothing.',
  );
  const runs = new Map<string, MemoryRun>();
  for (const which of CASES) {
    for (const kind of SERVER_KINDS) {
      report.progress(`memory: ${which}, ${kind}`);
      runs.set(`${which}/${kind}`, await memoryOnce(kind, which));
    }
  }
  const rows: string[][] = [];
  for (const which of CASES) {
    const reference = runs.get(`${which}/reference`)!;
    for (const kind of SERVER_KINDS) {
      const run = runs.get(`${which}/${kind}`)!;
      rows.push([
        which === 'loaded rooms' ? 'per loaded room' : `per connection, ${which}`,
        SERVER_LABELS[kind],
        withRatio(kib(run.perItemRss), run.perItemRss, reference.perItemRss),
        withRatio(kib(run.perItemRssOld), run.perItemRssOld, reference.perItemRssOld),
        withRatio(kib(run.perItemHeap), run.perItemHeap, reference.perItemHeap),
        mib(run.baselineRss),
      ]);
    }
    const peers = (pick: (run: MemoryRun) => number) =>
      Math.min(pick(runs.get(`${which}/reference`)!), pick(runs.get(`${which}/hocuspocus`)!));
    const concord = runs.get(`${which}/concord`)!;
    const verdict = (pick: (run: MemoryRun) => number, what: string) =>
      `${what} ${kib(pick(concord))} vs best peer ${kib(peers(pick))} KiB: ${pick(concord) <= peers(pick) ? 'met' : 'NOT met'}`;
    rows.push(['', `goal ≤ best peer — ${verdict((r) => r.perItemRss, 'RSS')}; ${verdict((r) => r.perItemRssOld, 'RSS w/o young gen')}; ${verdict((r) => r.perItemHeap, 'heap')}`, '', '', '', '']);
  }
  report.table(['case', 'server', 'RSS KiB (× ref)', 'RSS without young generation KiB (× ref)', 'JS heap KiB (× ref)', 'baseline RSS MiB'], rows);
}
