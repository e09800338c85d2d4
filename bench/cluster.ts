/**
 * Several relays joined through Redis (issues 7 and 17), in three parts:
 *
 * 1. Propagation across relays vs within one relay: a real redis-server and
 *    relays A and B (child processes, each its own store). One writer on each
 *    relay sends an update every INTERVAL_MS; a reader on each relay times
 *    every update's arrival (the same process and clock as the writers).
 *    "within" = writer and reader on the same relay, "across" = on different
 *    relays (relay → Redis → relay). A third phase runs one relay without
 *    REDIS_URL: the within-relay baseline, to show what publishing costs.
 * 2. What eager replication costs per update: writers on A only, in
 *    DOCUMENTS documents; B's CPU time (process_cpu_seconds_total, its idle
 *    rate subtracted) per update it stores — with the documents not loaded on
 *    B (appended to their stored logs without loading) and loaded (a reader
 *    on B) — next to A's CPU per client update, and one relay without Redis.
 * 3. `saved` latency with REPLICATION_ACKS=1 vs 2: a writer on A times each
 *    update from send to the `saved` that covers it; B on the same machine, then
 *    B behind a TCP proxy adding DC_DELAY_MS each way to its Redis link (B in
 *    another datacenter). With 2, `saved` waits for the slowest relay needed.
 *
 *   npm run bench -- cluster     (or: node --import tsx bench/cluster.ts)
 *   UPDATES=2000 INTERVAL_MS=5 DC_DELAY_MS=40 npm run bench -- cluster
 *
 * Needs redis-server (Debian: apt-get install -y redis-server).
 */
import { startRedis, startRelay, type RedisProcess, type RelayProcess } from '../e2e-cluster/cluster';
import { startNetProxy } from '../e2e-cluster/netProxy';
import { firstStructId, LoadClient, UpdateSource } from './lib/loadClient';
import { fmt, percentile, QUICK, report, sleep } from './lib/report';
import { CONCORD_BENCH_ENV } from './lib/servers';

const UPDATES = Number(process.env.UPDATES ?? (QUICK ? 300 : 1_500));
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 10);
const WARM_UP = Math.min(100, Math.floor(UPDATES / 10));
const DOCUMENTS = Number(process.env.DOCUMENTS ?? 20);
const COST_UPDATES = Number(process.env.COST_UPDATES ?? (QUICK ? 1_000 : 4_000));
const ACK_UPDATES = Number(process.env.ACK_UPDATES ?? (QUICK ? 150 : 500));
const DC_DELAY_MS = Number(process.env.DC_DELAY_MS ?? 25);

interface Lane {
  writer: LoadClient;
  source: UpdateSource;
  sentAt: Map<number, number>;
}

function reader(relay: RelayProcess, room: string, arrivals: Map<string, number>): LoadClient {
  return new LoadClient({
    url: `${relay.wsUrl}/${room}`,
    room,
    dialect: 'y-websocket',
    onUpdate(update, receivedAt) {
      const id = firstStructId(update);
      if (id) arrivals.set(`${id.client}:${id.clock}`, receivedAt);
    },
  });
}

/** Sends UPDATES updates per writer, alternating, and returns latencies per (writer relay → reader relay). */
async function run(relays: RelayProcess[], room: string): Promise<Map<string, number[]>> {
  const arrivals = relays.map(() => new Map<string, number>());
  const readers = relays.map((relay, i) => reader(relay, room, arrivals[i]));
  const lanes: Lane[] = relays.map((relay) => ({
    writer: new LoadClient({ url: `${relay.wsUrl}/${room}`, room, dialect: 'y-websocket' }),
    source: new UpdateSource(relay.port),
    sentAt: new Map(),
  }));
  await Promise.all([...readers, ...lanes.map((lane) => lane.writer)].map((client) => client.synced));
  await sleep(300); // catch-up on load settles
  for (let n = 0; n < UPDATES; n++) {
    for (const lane of lanes) {
      const clock = lane.source.nextClock;
      const update = lane.source.next();
      lane.sentAt.set(clock, performance.now());
      lane.writer.sendUpdate(update);
    }
    await sleep(INTERVAL_MS);
  }
  await Promise.all(readers.map((r) => r.until(() => r.updatesReceived >= UPDATES * lanes.length, 'every update', 30_000)));
  const latencies = new Map<string, number[]>();
  for (const [w, lane] of lanes.entries()) {
    for (const [r] of readers.entries()) {
      const values: number[] = [];
      for (const [clock, sent] of lane.sentAt) {
        if (clock < WARM_UP) continue;
        const at = arrivals[r].get(`${lane.source.clientId}:${clock}`);
        if (at !== undefined) values.push(at - sent);
      }
      latencies.set(`${relays[w].relayId}→${relays[r].relayId}`, values);
    }
  }
  await Promise.all([...readers, ...lanes.map((lane) => lane.writer)].map((client) => client.close()));
  return latencies;
}

function row(label: string, values: number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [label, String(sorted.length), fmt(percentile(sorted, 50), 2), fmt(percentile(sorted, 90), 2), fmt(percentile(sorted, 99), 2), fmt(sorted.at(-1) ?? NaN, 2)];
}

/** A relay's CPU seconds so far (prom-client's process_cpu_seconds_total). */
const cpuSeconds = (relay: RelayProcess) => relay.metric('process_cpu_seconds_total');

/** CPU seconds per second of an idle relay (heartbeats, timers, scrapes): subtracted from what a run costs. */
async function idleRate(relay: RelayProcess, ms = 3_000): Promise<number> {
  const before = await cpuSeconds(relay);
  await sleep(ms);
  return ((await cpuSeconds(relay)) - before) / (ms / 1_000);
}

interface CostRun {
  /** µs of CPU per update, on the writers' relay (A) and on the other one (B). */
  aMicros: number;
  bMicros: number;
  /** ms from the last update sent until B had stored every update. */
  drainMs: number;
}

/**
 * COST_UPDATES updates from writers on `a`, spread over DOCUMENTS documents;
 * `b` (if any) stores them. `readersOnB`: keep the documents loaded on B.
 */
async function costRun(a: RelayProcess, b: RelayProcess | null, readersOnB: boolean): Promise<CostRun> {
  const tag = Date.now().toString(36);
  const rooms = Array.from({ length: DOCUMENTS }, (_, i) => `cost-${tag}-${i}`);
  const writers = rooms.map((room) => ({ client: new LoadClient({ url: `${a.wsUrl}/${room}?acks=1`, room, dialect: 'y-websocket' }), source: new UpdateSource() }));
  const readers = b && readersOnB ? rooms.map((room) => new LoadClient({ url: `${b.wsUrl}/${room}`, room, dialect: 'y-websocket' })) : [];
  await Promise.all([...writers.map((w) => w.client.synced), ...readers.map((r) => r.synced)]);
  await sleep(1_000); // loads and catch-ups settle
  const idleA = await idleRate(a);
  const idleB = b ? await idleRate(b) : 0;
  // B holds everything once A counts no document B has not confirmed (B reports after its commit).
  const unconfirmedOnB = () => a.metric('concord_replication_unreplicated_documents', 'peer="B"');
  const [cpuA, cpuB] = [await cpuSeconds(a), b ? await cpuSeconds(b) : 0];
  const started = performance.now();
  for (let n = 0; n < COST_UPDATES; n++) {
    const writer = writers[n % writers.length];
    writer.client.sendUpdate(writer.source.next());
    if (n % 20 === 19) await sleep(2); // ~10,000 updates/s offered at most
  }
  const sentAt = performance.now();
  await Promise.all(writers.map((w) => w.client.until(() => w.client.acked >= w.client.updateFramesSent, 'acks'))); // A has them all
  while (b && (await unconfirmedOnB()) > 0) {
    if (performance.now() - sentAt > 60_000) throw new Error('B did not store every update within 60 s');
    await sleep(20);
  }
  const drainMs = performance.now() - sentAt;
  const seconds = (performance.now() - started) / 1_000;
  const aMicros = (((await cpuSeconds(a)) - cpuA - idleA * seconds) / COST_UPDATES) * 1e6;
  const bMicros = b ? (((await cpuSeconds(b)) - cpuB - idleB * seconds) / COST_UPDATES) * 1e6 : NaN;
  await Promise.all([...writers.map((w) => w.client.close()), ...readers.map((r) => r.close())]);
  return { aMicros, bMicros, drainMs };
}

/** Send → `saved` covering it, per update, for a writer on `a` (one update every 20 ms). */
async function ackLatencies(a: RelayProcess): Promise<number[]> {
  const room = `acks-${Date.now().toString(36)}`;
  const sentAt: number[] = [];
  const latencies: number[] = [];
  let covered = 0;
  const writer = new LoadClient({
    url: `${a.wsUrl}/${room}?acks=1`,
    room,
    dialect: 'y-websocket',
    onAck(count, receivedAt) {
      for (; covered < count; covered++) if (sentAt[covered] !== undefined) latencies.push(receivedAt - sentAt[covered]);
    },
  });
  const source = new UpdateSource();
  await writer.synced;
  await writer.until(() => writer.acked >= writer.updateFramesSent, 'the handshake acked');
  await sleep(500);
  for (let n = 0; n < ACK_UPDATES; n++) {
    sentAt[writer.updateFramesSent] = performance.now(); // this update will be frame number updateFramesSent + 1
    writer.sendUpdate(source.next());
    await sleep(20);
  }
  await writer.until(() => writer.acked >= writer.updateFramesSent, 'every update saved', 60_000);
  await writer.close();
  return latencies.slice(Math.min(20, Math.floor(latencies.length / 10)));
}

async function withPair<T>(redis: RedisProcess, env: Record<string, string>, bDelayMs: number | null, run: (a: RelayProcess, b: RelayProcess) => Promise<T>): Promise<T> {
  const proxy = bDelayMs === null ? null : await startNetProxy(redis.port, { delayMs: bDelayMs });
  const staticDir = 'no-app';
  const [a, b] = await Promise.all([
    startRelay({ relayId: 'A', redisUrl: redis.url, env, staticDir }),
    startRelay({ relayId: 'B', redisUrl: proxy?.url ?? redis.url, env, staticDir }),
  ]);
  try {
    await sleep(1_500); // heartbeats
    return await run(a, b);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await proxy?.close();
  }
}

export async function benchCluster(): Promise<void> {
  await benchPropagation();
  await benchReplicationCost();
  await benchAckLatency();
}

async function benchReplicationCost(): Promise<void> {
  const redis = await startRedis();
  const env = { ...CONCORD_BENCH_ENV, LOG_LEVEL: 'warn', CLUSTER_HEARTBEAT_MS: '1000' };
  try {
    const unloaded = await withPair(redis, env, null, (a, b) => costRun(a, b, false));
    const loaded = await withPair(redis, env, null, (a, b) => costRun(a, b, true));
    const solo = await startRelay({ relayId: 'S', redisUrl: '', env, staticDir: 'no-app' });
    const alone = await costRun(solo, null, false);
    await solo.stop();
    report.section(
      'Cluster: what eager replication costs per update',
      `${COST_UPDATES} one-character updates from writers on A, over ${DOCUMENTS} documents (~10,000/s offered). CPU per update = the relay process's ` +
        'CPU time (process_cpu_seconds_total) over the run, minus its idle rate, divided by the updates. "B stores" is what every other relay pays ' +
        'for each update accepted anywhere. Drain = last update sent → B had confirmed storing all of them (A’s ' +
        'concord_replication_unreplicated_documents{peer="B"} back to 0; with REPLICATION_ACKS=1 B reports every 100 ms).',
    );
    const us = (value: number) => fmt(value, 0);
    report.table(
      ['setup', 'A: CPU per client update (µs)', 'B: CPU per replicated update (µs)', 'drain on B (ms)'],
      [
        ['one relay, no REDIS_URL', us(alone.aMicros), '—', '—'],
        ['A + B, documents not loaded on B (appended to their stored logs)', us(unloaded.aMicros), us(unloaded.bMicros), fmt(unloaded.drainMs)],
        ['A + B, documents loaded on B (a reader on each)', us(loaded.aMicros), us(loaded.bMicros), fmt(loaded.drainMs)],
      ],
    );
  } finally {
    await redis.stop();
  }
}

async function benchAckLatency(): Promise<void> {
  const redis = await startRedis();
  const base = { ...CONCORD_BENCH_ENV, LOG_LEVEL: 'warn', CLUSTER_HEARTBEAT_MS: '1000' };
  try {
    const rows: string[][] = [];
    const cases: Array<[string, string, number | null]> = [
      ['1', 'B on this machine', null],
      ['2', 'B on this machine', null],
      ['1', `B ${DC_DELAY_MS} ms away (each way)`, DC_DELAY_MS],
      ['2', `B ${DC_DELAY_MS} ms away (each way)`, DC_DELAY_MS],
    ];
    for (const [acks, where, delay] of cases) {
      const latencies = await withPair(redis, { ...base, REPLICATION_ACKS: acks }, delay, (a) => ackLatencies(a));
      const sorted = [...latencies].sort((x, y) => x - y);
      rows.push([acks, where, String(sorted.length), fmt(percentile(sorted, 50), 2), fmt(percentile(sorted, 90), 2), fmt(percentile(sorted, 99), 2)]);
    }
    report.section(
      'Cluster: `saved` latency, REPLICATION_ACKS=1 vs 2',
      `A writer on relay A sends an update every 20 ms (${ACK_UPDATES}); latency = send → the \`saved\` ack covering it. With 2, A acks after its own ` +
        'commit AND B’s commit reported back through Redis. "Away": B reaches Redis through a TCP proxy that delays every chunk each way ' +
        '(another datacenter); A and the writer are local.',
    );
    report.table(['REPLICATION_ACKS', 'relay B', 'updates', 'median (ms)', 'p90 (ms)', 'p99 (ms)'], rows);
  } finally {
    await redis.stop();
  }
}

async function benchPropagation(): Promise<void> {
  const redis = await startRedis();
  const env = { ...CONCORD_BENCH_ENV, LOG_LEVEL: 'warn' };
  const staticDir = 'no-app';
  try {
    const [a, b] = await Promise.all(['A', 'B'].map((relayId) => startRelay({ relayId, redisUrl: redis.url, env, staticDir })));
    const clustered = await run([a, b], `bench-cluster-${Date.now().toString(36)}`);
    const published = (await a.metric('concord_redis_messages_total', 'direction="out",kind="update"')) + (await b.metric('concord_redis_messages_total', 'direction="out",kind="update"'));
    await Promise.all([a.stop(), b.stop()]);
    const solo = await startRelay({ relayId: 'S', redisUrl: '', env, staticDir });
    const alone = await run([solo], `bench-solo-${Date.now().toString(36)}`);
    await solo.stop();

    const within = [...(clustered.get('A→A') ?? []), ...(clustered.get('B→B') ?? [])];
    const across = [...(clustered.get('A→B') ?? []), ...(clustered.get('B→A') ?? [])];
    report.section(
      'Cluster: propagation across relays vs within one relay',
      `One writer per relay, an update every ${INTERVAL_MS} ms, ${UPDATES} each (first ${WARM_UP} not timed); ` +
        'a reader on each relay; writer send → reader receive, same process clock. Redis: local redis-server, pub/sub. ' +
        `Updates published to Redis: ${published} for ${UPDATES * 2} client updates.`,
    );
    report.table(
      ['path', 'updates', 'median (ms)', 'p90 (ms)', 'p99 (ms)', 'max (ms)'],
      [
        row('within one relay (cluster on)', within),
        row('across relays (via Redis)', across),
        row('within one relay, no REDIS_URL (one writer)', alone.get('S→S') ?? []),
      ],
    );
  } finally {
    await redis.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchCluster();
  process.exit(0);
}
