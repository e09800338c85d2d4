/**
 * The relay's configuration: environment variables → one typed, frozen object.
 * A bad value stops the server at start with a message naming the variable.
 * Every variable is documented in README.md with its default.
 */
import { resolve } from 'node:path';

export interface Config {
  /** TCP port for the page, the API and the WebSocket (PORT, default 1234). */
  readonly port: number;
  /** Interface to listen on (HOST, default 127.0.0.1; 0.0.0.0 for a classroom LAN). */
  readonly host: string;
  /** Directory holding the SQLite file (DATA_DIR, default ./data). */
  readonly dataDir: string;
  /** Directory of the built app (STATIC_DIR, default ./dist). */
  readonly staticDir: string;
  /** pino log level (LOG_LEVEL, default info). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** A room with no sockets for this long is stored and unloaded (ROOM_IDLE_UNLOAD_MS, default 30000). */
  readonly roomIdleUnloadMs: number;
  /** A room's update log is compacted into a snapshot past this many entries (COMPACT_AFTER_UPDATES, default 500). */
  readonly compactAfterUpdates: number;
  /** Interval between WebSocket pings; a socket silent for two intervals is dropped (PING_INTERVAL_MS, default 30000). */
  readonly pingIntervalMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min}–${max}, got ${value}`);
  return value;
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty');
  return raw.trim();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = text(env, 'LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const host = text(env, 'HOST', '127.0.0.1');
  if (/\s|\//.test(host)) throw new ConfigError('HOST', `expected a host name or IP address, got "${host}"`);
  return Object.freeze({
    port: integer(env, 'PORT', 1234, 0, 65_535),
    host,
    dataDir: resolve(text(env, 'DATA_DIR', './data')),
    staticDir: resolve(text(env, 'STATIC_DIR', './dist')),
    logLevel: logLevel as Config['logLevel'],
    roomIdleUnloadMs: integer(env, 'ROOM_IDLE_UNLOAD_MS', 30_000, 0, 86_400_000),
    compactAfterUpdates: integer(env, 'COMPACT_AFTER_UPDATES', 500, 1, 10_000_000),
    pingIntervalMs: integer(env, 'PING_INTERVAL_MS', 30_000, 1_000, 3_600_000),
  });
}
