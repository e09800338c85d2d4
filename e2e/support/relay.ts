/** A relay process of our own, for specs that kill and restart it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RelayProcess {
  url: string;
  port: number;
  dataDir: string;
  /** SIGKILL: no flush, no goodbye — what a crash looks like. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function launch(port: number, dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
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

/** `env`: settings of this relay (e.g. `{ MAX_FRAME_BYTES: '1048576' }`), kept across restarts. */
export async function startRelayProcess(env: Record<string, string> = {}): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-e2e-relay-'));
  let { child, port } = await launch(0, dataDir, env);
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dataDir,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      ({ child, port } = await launch(port, dataDir, env));
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
