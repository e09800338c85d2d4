/**
 * Fan-out: one room, R readers and one writer that sends U small updates (one
 * typed character each) as fast as it can. Deliveries/s = R × U / (time from
 * the first send to the last reader receiving the last update); latency is per
 * delivery, from the writer's send to a reader's receipt (one clock: the load
 * generator's). Issue 5 goal: ≥ 2× the reference server's deliveries/s.
 */
import { connectMany, closeAll, firstStructId, LoadClient, UpdateSource } from './lib/loadClient';
import { fmt, ForeignCpu, median, ms, percentile, QUICK, report, sleep, tick, withRatio } from './lib/report';
import { CLIENT_NOTES, SERVER_KINDS, SERVER_LABELS, startServer, type ServerKind } from './lib/servers';
import { threadCpu, threadCpuSince, type ThreadCpu } from './lib/threadCpu';

/**
 * Updates per run (UPDATES=n to try others). Until 2026-11-29 it was 2,000: at
 * 10 readers a run then lasted 100-250 ms, and the same code's ratio swung
 * 1.2-2.3x from round to round (each run starts a fresh server, whose JIT is
 * still compiling in a window that short); 6,000 after a longer warm-up gives
 * runs of 0.3-0.6 s.
 */
const UPDATES = Number(process.env.UPDATES ?? (QUICK ? 300 : 6_000));
const READER_COUNTS = [10, 100];
const ROUNDS = QUICK ? 1 : 5;
/** Updates the writer sends before yielding to the event loop (so its socket flushes). */
const BURST = 50;
/** Updates sent (and delivered) before measuring, so every server's JIT is warm (WARMUP=n to try others). */
const WARMUP_UPDATES = Number(process.env.WARMUP ?? (QUICK ? 200 : 2_000));

interface FanoutRun {
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMs: number;
  /** The server's CPU during the run by thread name (main, storage worker, V8 and libuv helpers), Linux only. */
  serverThreads: ThreadCpu;
  /** The load generator's own CPU use during the run, as % of one core (near 100 % means it, not the server, may be the limit). */
  loadGenCpuPercent: number;
  /** CPU used by other processes on the machine during the run, % of one core. */
  otherCpuPercent: number;
}

async function fanoutOnce(kind: ServerKind, readerCount: number): Promise<FanoutRun> {
  const server = await startServer(kind);
  const clients: LoadClient[] = [];
  try {
    const room = 'fanout';
    const source = new UpdateSource(readerCount);
    const frames = Array.from({ length: UPDATES }, () => source.next());
    const sentAt = new Float64Array(UPDATES);
    const latencies = new Float64Array(readerCount * UPDATES);
    const receivedByReader = new Uint32Array(readerCount);
    let delivered = 0;
    let lastDeliveryAt = 0;
    const readers = await connectMany(readerCount, (index) =>
      new LoadClient({
        url: server.url(room),
        room,
        dialect: server.dialect,
        keepDoc: index === 0, // one reader checks what arrived is the writer's document
        onUpdate(update, receivedAt) {
          const id = firstStructId(update);
          if (id?.client !== source.clientId) return; // a warm-up update
          receivedByReader[index]++;
          latencies[delivered++] = receivedAt - sentAt[id.clock];
          lastDeliveryAt = receivedAt;
        },
      }),
    );
    clients.push(...readers);
    const writer = new LoadClient({ url: server.url(room, { acks: true }), room, dialect: server.dialect });
    clients.push(writer);
    await writer.synced;
    const warmup = new UpdateSource(readerCount + 1, 'warmup');
    for (let i = 0; i < WARMUP_UPDATES; i++) {
      writer.sendUpdate(warmup.next());
      if (i % BURST === BURST - 1) await tick();
    }
    await waitUntil(() => readers.every((reader) => reader.updatesReceived >= WARMUP_UPDATES), `${kind}: warm-up`, readers);
    await sleep(200);
    await server.stats(true);

    const cpuBefore = process.cpuUsage();
    const threadsBefore = threadCpu(server.pid);
    const foreign = new ForeignCpu();
    const startedAt = performance.now();
    for (let i = 0; i < UPDATES; i++) {
      sentAt[i] = performance.now();
      writer.sendUpdate(frames[i]);
      if (i % BURST === BURST - 1) await tick();
    }
    await waitUntil(() => receivedByReader.every((count) => count >= UPDATES), `${kind}: all ${UPDATES} updates at every reader`, readers);
    const loadGenCpu = process.cpuUsage(cpuBefore);
    const serverThreads = threadCpuSince(threadsBefore, threadCpu(server.pid));
    const stats = await server.stats();
    const text = readers[0].doc!.getText('bench').toString();
    if (text !== source.toString()) throw new Error(`${kind}: reader's document differs from the writer's`);
    if (delivered !== readerCount * UPDATES) throw new Error(`${kind}: ${delivered} deliveries, expected ${readerCount * UPDATES}`);
    return {
      deliveriesPerSecond: (readerCount * UPDATES) / ((lastDeliveryAt - startedAt) / 1000),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      serverCpuMs: stats.cpuMs,
      serverThreads,
      otherCpuPercent: foreign.percent(stats.cpuMs),
      loadGenCpuPercent: ((loadGenCpu.user + loadGenCpu.system) / 1000 / (lastDeliveryAt - startedAt)) * 100,
    };
  } finally {
    await closeAll(clients);
    await server.stop();
  }
}

/** Polls `done` every 2 ms; fails if a client was disconnected or after `timeoutMs`. */
export async function waitUntil(done: () => boolean, what: string, clients: LoadClient[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    const closed = clients.find((client) => client.closeCode !== null);
    if (closed) throw new Error(`a client was disconnected (code ${closed.closeCode}) while waiting for ${what}`);
    await sleep(2);
  }
}

export async function benchFanout(): Promise<void> {
  report.section(
    'Fan-out',
    `1 room, 1 writer sending ${fmt(UPDATES)} one-character updates as fast as it can (bursts of ${BURST} per event-loop turn), ` +
      `10 and 100 readers. Median of ${ROUNDS} round(s), servers alternating within each round. ` +
      'Ratios are against @y/websocket-server. Server CPU is the server process\'s user+system time for the run.',
  );
  const rows: string[][] = [];
  for (const readerCount of READER_COUNTS) {
    const runs = new Map<ServerKind, FanoutRun[]>(SERVER_KINDS.map((kind) => [kind, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = SERVER_KINDS.map((_, i) => SERVER_KINDS[(i + round) % SERVER_KINDS.length]);
      for (const kind of order) {
        report.progress(`fan-out: ${readerCount} readers, round ${round + 1}/${ROUNDS}, ${kind}`);
        runs.get(kind)!.push(await fanoutOnce(kind, readerCount));
      }
    }
    const summary = (kind: ServerKind) => {
      const list = runs.get(kind)!;
      return {
        deliveriesPerSecond: median(list.map((run) => run.deliveriesPerSecond)),
        p50Ms: median(list.map((run) => run.p50Ms)),
        p99Ms: median(list.map((run) => run.p99Ms)),
        serverCpuMs: median(list.map((run) => run.serverCpuMs)),
        loadGenCpuPercent: median(list.map((run) => run.loadGenCpuPercent)),
        otherCpuPercent: Math.max(...list.map((run) => run.otherCpuPercent)),
      };
    };
    const reference = summary('reference');
    for (const kind of SERVER_KINDS) {
      const s = summary(kind);
      const all = runs.get(kind)!.map((run) => fmt(run.deliveriesPerSecond)).join(' / ');
      rows.push([
        String(readerCount),
        SERVER_LABELS[kind],
        withRatio(fmt(s.deliveriesPerSecond), s.deliveriesPerSecond, reference.deliveriesPerSecond),
        all,
        withRatio(ms(s.p50Ms), s.p50Ms, reference.p50Ms),
        withRatio(ms(s.p99Ms), s.p99Ms, reference.p99Ms),
        fmt((s.serverCpuMs * 1000) / (readerCount * UPDATES), 2),
        fmt(s.loadGenCpuPercent),
        fmt(s.otherCpuPercent),
      ]);
    }
    const concord = summary('concord');
    const ratio = concord.deliveriesPerSecond / reference.deliveriesPerSecond;
    rows.push(['', `goal ≥ 2× reference deliveries/s: ${fmt(ratio, 2)}× → ${ratio >= 2 ? 'met' : 'NOT met'}`, '', '', '', '', '', '', '']);
  }
  report.table(
    ['readers', 'server', 'deliveries/s (× ref)', 'each round', 'p50 latency ms (× ref)', 'p99 latency ms (× ref)', 'server CPU µs/delivery', 'load-gen CPU %', 'other processes CPU % (max)'],
    rows,
  );
  report.note(clientNotes());
}

export function clientNotes(): string {
  return SERVER_KINDS.map((kind) => `- ${SERVER_LABELS[kind]}: ${CLIENT_NOTES[kind]}.`).join('\n');
}
