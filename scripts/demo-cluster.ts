/**
 * `npm run demo:cluster`: a local Redis and two relays joined through it, on one
 * machine, without Docker. Open the same document on both URLs and type.
 *
 *   PORT_A (default 1240), PORT_B (default 1241), DATA_DIR_A/B (default ./data/cluster-A, -B)
 *   REDIS_URL: use this Redis instead of starting one
 *
 * Ctrl+C stops the relays (cleanly: they store every document) and the Redis it started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { redisServerPath, startRedis, startRelay, type RedisProcess } from '../e2e-cluster/cluster';

const portA = Number(process.env.PORT_A ?? 1240);
const portB = Number(process.env.PORT_B ?? 1241);
const dataA = resolve(process.env.DATA_DIR_A ?? 'data/cluster-A');
const dataB = resolve(process.env.DATA_DIR_B ?? 'data/cluster-B');

let redis: RedisProcess | null = null;
let redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  if (!redisServerPath()) {
    console.error(
      'redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server;\n' +
        'macOS: brew install redis), or point REDIS_URL at a running Redis, then run npm run demo:cluster again.',
    );
    process.exit(1);
  }
  redis = await startRedis();
  redisUrl = redis.url;
}
if (!existsSync('dist/index.html')) {
  console.log('Building the app (dist/)…');
  if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}
mkdirSync(dataA, { recursive: true });
mkdirSync(dataB, { recursive: true });
const env = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
const [a, b] = await Promise.all([
  startRelay({ relayId: 'A', redisUrl, dataDir: dataA, staticDir: 'dist', port: portA, env }),
  startRelay({ relayId: 'B', redisUrl, dataDir: dataB, staticDir: 'dist', port: portB, env }),
]);
const room = `demo-${Date.now().toString(36)}`;
console.log(`
Concord cluster demo: two relays, each with its own SQLite store, joined through ${redisUrl}${redis ? ' (started here)' : ''}

  relay A  ${a.url}/d/${room}     (data in ${dataA})
  relay B  ${b.url}/d/${room}     (data in ${dataB})

Open both links (or any /d/<room> on both ports) and type. /metrics on each shows concord_redis_*.
Try: kill -9 one relay's process, keep typing on the other, start the demo again.
Ctrl+C stops everything.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping relays and Redis…');
  await Promise.all([a.stop(), b.stop()]);
  await redis?.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
