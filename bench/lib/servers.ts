/**
 * Starts each benchmarked server as its own child process (so its memory,
 * CPU and event loop are measured apart from the load generator's) and talks
 * to the monitor inside it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MonitorRequest, ServerStats } from '../servers/monitor';
import type { Dialect } from './loadClient';
import { freePort } from '../../e2e/support/freePort';
import { RELAY_NODE_FLAGS } from '../../server/relayNodeFlags';

export type ServerKind = 'concord' | 'reference' | 'hocuspocus';

/** Every benchmark runs them in this order (rotated between rounds where there are rounds). */
export const SERVER_KINDS: readonly ServerKind[] = ['concord', 'reference', 'hocuspocus'];

export const SERVER_LABELS: Record<ServerKind, string> = {
  concord: 'Concord relay',
  reference: '@y/websocket-server 0.1.1',
  hocuspocus: '@hocuspocus/server 3.4.4',
};

/** How the load generator's client differs per server; printed under each table. */
export const CLIENT_NOTES: Record<ServerKind, string> = {
  concord: 'y-websocket frames on /ws/<room>; writers add ?acks=1 (as Concord\'s own client does) and get `saved` acks',
  reference: 'y-websocket frames on /<room>; the server echoes every update to its sender too',
  hocuspocus:
    'Hocuspocus framing: every frame prefixed with the document name (varString), an empty auth token first; the server echoes every update to its sender and answers each with a SyncStatus frame',
};

/**
 * Extra environment for Concord in the bench. The relay's rate limits would
 * (rightly) close a writer that sends 2,000 updates as fast as it can; the
 * bench measures fan-out, so it raises them. Anything else in the bench's own
 * environment is passed through, so limits can also be set from the command line.
 */
export const CONCORD_BENCH_ENV: Record<string, string> = {
  RATE_LIMIT_BURST: '100000000',
  RATE_LIMIT_PER_S: '100000000',
};

export interface RunningServer {
  readonly kind: ServerKind;
  readonly dialect: Dialect;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string | null;
  /** WebSocket URL for a room. */
  url(room: string, options?: { acks?: boolean }): string;
  /** Memory, CPU since the last reset, and event-loop delay measured inside the server process. */
  stats(reset?: boolean): Promise<ServerStats>;
  /** Runs a full garbage collection in the server (node --expose-gc). */
  gc(): Promise<void>;
  /** Writes a V8 heap snapshot of the server process to `path`. */
  heapSnapshot(path: string): Promise<void>;
  /** Concord only: /metrics as name → value (for unlabelled series). Scraping resets prom-client's event-loop histogram. */
  metrics(): Promise<Map<string, number>>;
  /** SIGTERM (clean stop), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL now: no flush, no clean close. */
  kill(): Promise<void>;
}


async function waitForHttp(port: number, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before listening`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`server on port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * BENCH_SERVER_NODE_FLAGS: extra Node flags for every server a benchmark starts,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a relay's time goes.
 */
function serverNodeFlags(): string[] {
  return (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
}

export async function startServer(
  kind: ServerKind,
  options: { dataDir?: string; port?: number; env?: Record<string, string>; nodeFlags?: string[] } = {},
): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const ownDataDir = kind === 'concord' && !options.dataDir;
  const dataDir = kind === 'concord' ? (options.dataDir ?? mkdtempSync(join(tmpdir(), 'concord-bench-'))) : null;
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  if (kind === 'concord') {
    Object.assign(env, CONCORD_BENCH_ENV, { DATA_DIR: dataDir!, STATIC_DIR: join(dataDir!, 'no-app') });
  }
  Object.assign(env, options.env);
  const script = fileURLToPath(new URL(`../servers/${kind}.ts`, import.meta.url));
  // Same flags for every server: tsx (Concord needs it; the peers pay the same
  // loader overhead) and --expose-gc for memory measurements. Concord also gets
  // the flags it runs with in production (server/relayNodeFlags.ts); the peers
  // run with Node's defaults, as their own docs start them.
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(kind === 'concord' ? RELAY_NODE_FLAGS : []), ...(options.nodeFlags ?? []), ...serverNodeFlags()],
    env,
    // Logs (Concord's pino JSON at its default level) go nowhere; errors still show.
    // BENCH_SERVER_STDOUT=<file>: a server's stdout goes there instead (V8's --trace-* output, logs).
    stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, 'a') : 'ignore', 'inherit', 'ipc'],
  });
  await waitForHttp(port, child);

  let nextId = 1;
  const request = <T>(message: { cmd: 'stats'; reset: boolean } | { cmd: 'gc' } | { cmd: 'heapSnapshot'; path: string }): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const onMessage = (reply: { id: number } & T) => {
        if (reply.id !== id) return;
        child.off('message', onMessage);
        resolve(reply);
      };
      child.on('message', onMessage);
      child.send({ ...message, id } as MonitorRequest, (error) => error && reject(error));
    });

  const prefix = `ws://127.0.0.1:${port}`;
  const cleanUp = () => {
    if (ownDataDir) rmSync(dataDir!, { recursive: true, force: true });
  };
  return {
    kind,
    dialect: kind === 'hocuspocus' ? 'hocuspocus' : 'y-websocket',
    port,
    pid: child.pid!,
    dataDir,
    url(room, { acks = false } = {}) {
      if (kind === 'concord') return `${prefix}/ws/${room}${acks ? '?acks=1' : ''}`;
      if (kind === 'reference') return `${prefix}/${room}`;
      return `${prefix}/`; // Hocuspocus names the document inside every frame
    },
    async stats(reset = false) {
      return (await request<{ stats: ServerStats }>({ cmd: 'stats', reset })).stats;
    },
    async gc() {
      await request({ cmd: 'gc' });
    },
    async heapSnapshot(path) {
      await request({ cmd: 'heapSnapshot', path });
    },
    async metrics() {
      if (kind !== 'concord') throw new Error('only Concord serves /metrics');
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const values = new Map<string, number>();
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
        if (match) values.set(match[1], Number(match[2]));
      }
      return values;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
      cleanUp();
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
      cleanUp();
    },
  };
}
