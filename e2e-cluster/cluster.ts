/**
 * Processes for the cluster tests and the demo: a real `redis-server` and
 * relays (`node --import tsx server/main.ts`) on free ports, each relay with
 * its own DATA_DIR. Everything can be SIGKILLed and restarted in place.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../e2e/support/freePort';
import { RELAY_NODE_FLAGS } from '../server/relayNodeFlags';

export function redisServerPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves when `child`'s stdout matches `pattern`; rejects if it exits first. */
function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready:\n${output}`)));
  });
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: every subscription and in-flight message is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty: pub/sub keeps nothing anyway). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(port?: number): Promise<RedisProcess> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server is not installed (Debian: apt-get install -y redis-server)');
  const chosen = port ?? (await freePort());
  const launch = async () => {
    const child = spawn(binary, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitFor(child, /Ready to accept connections/, 'redis-server');
    return child;
  };
  let child = await launch();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = await launch();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export interface RelayProcess {
  readonly relayId: string;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  kill(): Promise<void>;
  /** Same port, same DATA_DIR, same RELAY_ID. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** One value from /metrics (0 if absent); `labels` like `direction="out",kind="update"`. */
  metric(name: string, labels?: string): Promise<number>;
  /** Sum of a metric over all its label sets. */
  metricSum(name: string, filter?: (labels: string) => boolean): Promise<number>;
}

export interface RelayOptions {
  relayId: string;
  redisUrl: string;
  dataDir?: string;
  staticDir?: string;
  env?: Record<string, string>;
  port?: number;
}

export async function startRelay(options: RelayOptions): Promise<RelayProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `concord-cluster-${options.relayId}-`));
  let port = options.port ?? 0;
  const launch = async () => {
    const child = spawn(process.execPath, [...RELAY_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'warn',
        REDIS_URL: options.redisUrl,
        RELAY_ID: options.relayId,
        STATIC_DIR: options.staticDir ?? process.env.CLUSTER_STATIC_DIR ?? 'dist',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const match = await waitFor(child, /running at http:\/\/[^:]+:(\d+)\//, `relay ${options.relayId}`);
    port = Number(match[1]);
    return child;
  };
  let child = await launch();
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return {
    relayId: options.relayId,
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}/ws`;
    },
    dataDir,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = await launch();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
    async metric(name, labels = '') {
      const prefix = `${name}${labels ? `{${labels}}` : ''} `;
      const line = (await scrape()).split('\n').find((l) => l.startsWith(prefix));
      return line ? Number(line.slice(prefix.length)) : 0;
    },
    async metricSum(name, filter = () => true) {
      let sum = 0;
      for (const line of (await scrape()).split('\n')) {
        const match = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`).exec(line);
        if (match && filter(match[1] ?? '')) sum += Number(match[2]);
      }
      return sum;
    },
  };
}
