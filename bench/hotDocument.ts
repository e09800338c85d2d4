/**
 * Hot document (the load that blocked Hocuspocus' event loop in
 * hocuspocus#1130): 50 writers each sending 5 one-character updates per second
 * into one room read by 100 readers, for 30 s. Reports delivery latency at the
 * readers and the server's event-loop delay p99 (measured inside each server
 * process by bench/servers/monitor.ts; for Concord also as its own /metrics
 * reports it, nodejs_eventloop_lag_p99_seconds). Issue 5 goal: p99 < 50 ms.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import { waitUntil } from './fanout';
import { closeAll, connectMany, firstStructId, LoadClient, UpdateSource } from './lib/loadClient';
import { fmt, ForeignCpu, ms, percentile, QUICK, report, sleep, withRatio } from './lib/report';
import { SERVER_KINDS, SERVER_LABELS, startServer, type ServerKind } from './lib/servers';

const WRITERS = 50;
const UPDATES_PER_SECOND = 5;
const READERS = 100;
const DURATION_S = Number(process.env.HOT_SECONDS ?? (QUICK ? 5 : 30));

interface HotRun {
  sent: number;
  deliveries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  eventLoopP99Ms: number;
  metricsEventLoopP99Ms: number;
  serverCpuPercent: number;
  otherCpuPercent: number;
}

async function hotOnce(kind: ServerKind): Promise<HotRun> {
  const server = await startServer(kind);
  const clients: LoadClient[] = [];
  try {
    const room = 'hot';
    const capacity = UPDATES_PER_SECOND * DURATION_S + 10;
    const sources = Array.from({ length: WRITERS }, (_, i) => new UpdateSource(i + 1));
    const sentAt = new Map(sources.map((source) => [source.clientId, new Float64Array(capacity)]));
    const latencies: number[] = [];
    let measuring = false;
    const readers = await connectMany(READERS, () =>
      new LoadClient({
        url: server.url(room),
        room,
        dialect: server.dialect,
        onUpdate(update, receivedAt) {
          if (!measuring) return;
          const id = firstStructId(update);
          const times = id && sentAt.get(id.client);
          if (times) latencies.push(receivedAt - times[id.clock]);
        },
      }),
    );
    clients.push(...readers);
    const writers = await connectMany(WRITERS, () =>
      new LoadClient({ url: server.url(room, { acks: true }), room, dialect: server.dialect }),
    );
    clients.push(...writers);
    // Each writer announces its presence once, as an editor does when it joins.
    writers.forEach((writer, i) => {
      const awareness = new awarenessProtocol.Awareness(sources[i].doc);
      awareness.setLocalState({ user: { name: `writer-${i}`, color: '#3366ff' } });
      writer.sendAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [sources[i].clientId]));
      awareness.destroy();
    });
    await sleep(1_000);
    await server.stats(true);
    if (kind === 'concord') await server.metrics(); // a scrape resets prom-client's event-loop histogram

    measuring = true;
    const foreign = new ForeignCpu();
    let sent = 0;
    const periodMs = 1_000 / UPDATES_PER_SECOND;
    const timers: NodeJS.Timeout[] = [];
    const stopAt = performance.now() + DURATION_S * 1_000;
    writers.forEach((writer, i) => {
      const source = sources[i];
      const times = sentAt.get(source.clientId)!;
      const send = () => {
        if (performance.now() >= stopAt) return;
        const clock = source.nextClock;
        const update = source.next();
        times[clock] = performance.now();
        writer.sendUpdate(update);
        sent++;
      };
      // Spread the writers over the period, then each keeps its own 5/s beat.
      timers.push(
        setTimeout(() => {
          send();
          timers.push(setInterval(send, periodMs));
        }, (i * periodMs) / WRITERS),
      );
    });
    await sleep(DURATION_S * 1_000 + 50);
    timers.forEach((timer) => clearTimeout(timer));
    await waitUntil(() => latencies.length >= sent * READERS, `${kind}: every update at every reader`, clients, 30_000);
    const stats = await server.stats();
    const otherCpuPercent = foreign.percent(stats.cpuMs);
    const metricsP99 = kind === 'concord' ? ((await server.metrics()).get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000 : NaN;
    return {
      sent,
      deliveries: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      eventLoopP99Ms: stats.eventLoopP99Ms,
      metricsEventLoopP99Ms: metricsP99,
      serverCpuPercent: (stats.cpuMs / (DURATION_S * 1000)) * 100,
      otherCpuPercent,
    };
  } finally {
    await closeAll(clients);
    await server.stop();
  }
}

export async function benchHotDocument(): Promise<void> {
  report.section(
    'Hot document',
    `${WRITERS} writers × ${UPDATES_PER_SECOND} updates/s × ${READERS} readers in one room for ${DURATION_S} s ` +
      `(${fmt(WRITERS * UPDATES_PER_SECOND)} updates/s in, ${fmt(WRITERS * UPDATES_PER_SECOND * (READERS + WRITERS))} frames/s out). ` +
      'Each writer publishes one awareness state when it joins. Latency: writer send → reader receipt. ' +
      'Event-loop delay p99: perf_hooks.monitorEventLoopDelay (10 ms resolution, so ~10 ms is an idle loop) inside each server process; ' +
      'for Concord also its /metrics nodejs_eventloop_lag_p99_seconds (same sampler, prom-client). Server CPU as % of one core.',
  );
  const runs = new Map<ServerKind, HotRun>();
  for (const kind of SERVER_KINDS) {
    report.progress(`hot document: ${kind} (${DURATION_S} s)`);
    runs.set(kind, await hotOnce(kind));
  }
  const reference = runs.get('reference')!;
  report.table(
    ['server', 'updates sent', 'deliveries', 'p50 ms (× ref)', 'p99 ms (× ref)', 'max ms', 'event-loop p99 ms (× ref)', '/metrics event-loop p99 ms', 'server CPU %', 'other processes CPU %'],
    SERVER_KINDS.map((kind) => {
      const run = runs.get(kind)!;
      return [
        SERVER_LABELS[kind],
        fmt(run.sent),
        fmt(run.deliveries),
        withRatio(ms(run.p50Ms), run.p50Ms, reference.p50Ms),
        withRatio(ms(run.p99Ms), run.p99Ms, reference.p99Ms),
        ms(run.maxMs),
        withRatio(ms(run.eventLoopP99Ms), run.eventLoopP99Ms, reference.eventLoopP99Ms),
        kind === 'concord' ? ms(run.metricsEventLoopP99Ms) : 'n/a (no /metrics)',
        fmt(run.serverCpuPercent),
        fmt(run.otherCpuPercent),
      ];
    }),
  );
  const concord = runs.get('concord')!;
  report.note(`Goal: delivery p99 < 50 ms → Concord ${ms(concord.p99Ms)} ms: ${concord.p99Ms < 50 ? 'met' : 'NOT met'}.`);
}
