/**
 * A Concord relay as a child process of the test run, on a port of its own
 * and a fresh data directory: what `kill()` (SIGKILL) and `restart()` (same
 * port, same data directory) need. It runs this package's `server/main.ts`
 * and serves this package's built app (`dist/`, made by `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELAY_NODE_FLAGS } from '../server/relayNodeFlags';

/** This package's root: the relay's code and the built app are found from here, whatever the caller's working directory. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RelayProcess {
  url: string;
  port: number;
  dataDir: string;
  /** False after `kill()` or `stop()` until `restart()`. */
  readonly running: boolean;
  /** SIGKILL: no flush, no goodbye — what a crash looks like. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same data directory. */
  restart(): Promise<void>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

export interface RelayOptions {
  /** Settings of this relay (e.g. `{ MAX_FRAME_BYTES: '1048576' }`), kept across restarts. */
  env?: Record<string, string>;
  /** Removes the data directory on `stop()` (default false: a failed test's store stays to look at). */
  removeDataOnStop?: boolean;
}

function launch(port: number, dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...RELAY_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: PACKAGE_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      STATIC_DIR: process.env.E2E_STATIC_DIR ?? join(PACKAGE_ROOT, 'dist'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at http:\/\/[^:]+:(\d+)\//.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code} before listening: ${output}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a relay on a free port (chosen by the OS) with a fresh data directory. */
export async function startRelayProcess(envOrOptions: Record<string, string> | RelayOptions = {}): Promise<RelayProcess> {
  const options: RelayOptions = 'env' in envOrOptions || 'removeDataOnStop' in envOrOptions ? (envOrOptions as RelayOptions) : { env: envOrOptions as Record<string, string> };
  const env = options.env ?? {};
  if (!existsSync(join(process.env.E2E_STATIC_DIR ?? join(PACKAGE_ROOT, 'dist'), 'index.html')) && !env.STATIC_DIR) {
    throw new Error(`concord/testing: no built app in ${join(PACKAGE_ROOT, 'dist')}; run \`npm run build\` in ${PACKAGE_ROOT} first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-e2e-relay-'));
  let { child, port } = await launch(0, dataDir, env);
  let running = true;
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get running() {
      return running;
    },
    dataDir,
    async kill() {
      running = false;
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      if (running) throw new Error('restart() of a relay that is running: kill() or stop() it first');
      ({ child, port } = await launch(port, dataDir, env));
      running = true;
    },
    async stop() {
      running = false;
      child.kill('SIGTERM');
      await exited(child);
      if (options.removeDataOnStop) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
