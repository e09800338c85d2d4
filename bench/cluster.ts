/**
 * Remote propagation across relays vs within one relay (issue 7), in the same
 * run: a real redis-server and relays A and B (child processes, each its own
 * store). One writer on each relay sends an update every INTERVAL_MS; a reader
 * on each relay times every update's arrival (the same process and clock as
 * the writers). "within" = writer and reader on the same relay, "across" =
 * on different relays (relay → Redis → relay). A third phase runs one relay
 * without REDIS_URL: the within-relay baseline, to show what publishing costs.
 *
 *   npm run bench -- cluster     (or: node --import tsx bench/cluster.ts)
 *   UPDATES=2000 INTERVAL_MS=5 npm run bench -- cluster
 *
 * Needs redis-server (Debian: apt-get install -y redis-server).
 */
import { startRedis, startRelay, type RelayProcess } from '../e2e-cluster/cluster';
import { firstStructId, LoadClient, UpdateSource } from './lib/loadClient';
import { fmt, percentile, QUICK, report, sleep } from './lib/report';
import { CONCORD_BENCH_ENV } from './lib/servers';

const UPDATES = Number(process.env.UPDATES ?? (QUICK ? 300 : 1_500));
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 10);
const WARM_UP = Math.min(100, Math.floor(UPDATES / 10));

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

export async function benchCluster(): Promise<void> {
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
