/**
 * The relay's configuration: environment variables → one typed, frozen object.
 * A bad value stops the server at start with a message naming the variable.
 * Every variable is documented in README.md with its default.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Limits as ProtocolLimits } from '../src/protocol/constants';

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
  /** A room's update log is compacted into a snapshot past this many entries, once the room is quiet (COMPACT_AFTER_UPDATES, default 500; server/relay/rooms.ts). */
  readonly compactAfterUpdates: number;
  /** Interval between WebSocket pings; a socket silent for two intervals is dropped (PING_INTERVAL_MS, default 30000). */
  readonly pingIntervalMs: number;
  /** Every bound on what clients may make the relay do (see `RelayLimits`). */
  readonly limits: RelayLimits;
  /**
   * Origins (scheme://host[:port]) allowed to open a WebSocket besides the relay's
   * own (ALLOWED_ORIGINS, comma-separated, default none). An upgrade whose Origin
   * header is present and neither the relay's own origin nor listed gets 403;
   * requests without Origin (Node clients, benchmarks) are not browsers and pass.
   */
  readonly allowedOrigins: readonly string[];
  /** Joining other relays through Redis (server/cluster/); see `ClusterConfig`. */
  readonly cluster: ClusterConfig;
  /**
   * The address students are given in share links and QR codes (PUBLIC_URL, an
   * http(s) origin, default none: the LAN address when HOST is 0.0.0.0, see
   * server/classroom/publicAddress.ts).
   */
  readonly publicUrl: string | null;
  /**
   * Versions of a document's history that ended more than this many days ago
   * are merged into its oldest kept state (HISTORY_RETENTION_DAYS, default
   * none: keep everything). See server/history/historyStore.ts.
   */
  readonly historyRetentionDays: number | null;
}

/** Several relays, one document: each relay a leader with its own store, joined through Redis pub/sub. */
export interface ClusterConfig {
  /** redis:// or rediss:// URL (REDIS_URL, default none: a relay on its own, exactly as without this feature). */
  readonly redisUrl: string | null;
  /** This relay's name in the cluster, unique per relay (RELAY_ID, default `relay-` + 8 random hex digits). */
  readonly relayId: string;
  /** Every loaded room exchanges state vectors with the other relays this often (CLUSTER_ANTI_ENTROPY_MS, default 30000). */
  readonly antiEntropyIntervalMs: number;
  /** Heartbeat interval; a relay silent for 3 of them is dead and its clients' presence removed (CLUSTER_HEARTBEAT_MS, default 5000). */
  readonly heartbeatIntervalMs: number;
  /**
   * How many relays must have committed an edit before a tab is told `saved`
   * (REPLICATION_ACKS, default 1: this relay's own commit). With 2, also the
   * commit of at least one other relay, reported back through Redis
   * (server/cluster/replication.ts). More than 1 needs REDIS_URL.
   */
  readonly replicationAcks: number;
  /**
   * With REPLICATION_ACKS above 1: how long a tab's committed edits may wait for
   * the other relays' commits before the tab is told they are on this relay
   * only (REPLICATION_ACK_TIMEOUT_MS, default 2000). `saved` still follows once they are.
   */
  readonly replicationAckTimeoutMs: number;
  /**
   * Catch-up of every document (a relay that joins late or was down): at most
   * this many documents are compared with a peer per second
   * (CLUSTER_CATCHUP_DOCS_PER_S, default 100), so catching up never stalls clients.
   */
  readonly catchUpDocsPerS: number;
}

/**
 * The limits, in one place. Each is an environment variable; the README's
 * configuration table lists them with their defaults and what happens at the limit.
 */
export interface RelayLimits {
  /** Largest WebSocket frame, refused from its header before buffering: close 1009 (MAX_FRAME_BYTES). */
  readonly maxFrameBytes: number;
  /** Largest awareness state of one client, as JSON: close 1009 (MAX_AWARENESS_BYTES). */
  readonly maxAwarenessBytes: number;
  /** Awareness client ids one socket may publish: close 4400 past it (MAX_AWARENESS_CLIENTS_PER_SOCKET). */
  readonly maxAwarenessClientsPerSocket: number;
  /** Decode budget: structs in one update, checked by a linear pre-scan before Yjs decodes it: close 4400 (MAX_UPDATE_STRUCTS). */
  readonly maxUpdateStructs: number;
  /** Token bucket per socket: frames allowed in a burst (RATE_LIMIT_BURST). */
  readonly rateLimitBurst: number;
  /**
   * Token bucket per socket: frames per second refilled (RATE_LIMIT_PER_S). Past
   * the bucket the relay stops reading the socket until it refills: the client
   * is slowed, never closed (an honest burst must not shut it out).
   */
  readonly rateLimitPerS: number;
  /** Open WebSockets per client IP; past it the upgrade is refused with HTTP 429 (MAX_CONNECTIONS_PER_IP). */
  readonly maxConnectionsPerIp: number;
  /**
   * Rooms held in memory. Opening one more first stores and unloads the least
   * recently used room that has no sockets; if every room has sockets, the
   * upgrade is refused with HTTP 503 (MAX_ROOMS_LOADED).
   */
  readonly maxRoomsLoaded: number;
  /**
   * Updates one socket may have waiting for missing dependencies (structs they
   * build on that the relay has not seen yet); past it, close 4503, transient:
   * the client reconnects and resends them in order (MAX_PENDING_UPDATES).
   */
  readonly maxPendingUpdates: number;
  /** How long such an update may wait for its dependencies: close 4503 after, transient (PENDING_UPDATE_TIMEOUT_MS). */
  readonly pendingUpdateTimeoutMs: number;
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

function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(name, `expected comma-separated origins like https://example.org, got "${origin}"`);
    }
    if (!/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(name, `expected an origin (scheme://host[:port], no path), got "${origin}"`);
    }
    return parsed.origin;
  });
}

export function loadLimits(env: NodeJS.ProcessEnv = process.env): RelayLimits {
  return Object.freeze({
    maxFrameBytes: integer(env, 'MAX_FRAME_BYTES', ProtocolLimits.MAX_FRAME_BYTES, 1_024, 256 * 1_048_576),
    maxAwarenessBytes: integer(env, 'MAX_AWARENESS_BYTES', ProtocolLimits.MAX_AWARENESS_BYTES, 256, 16 * 1_048_576),
    maxAwarenessClientsPerSocket: integer(env, 'MAX_AWARENESS_CLIENTS_PER_SOCKET', 16, 1, 10_000),
    maxUpdateStructs: integer(env, 'MAX_UPDATE_STRUCTS', ProtocolLimits.MAX_UPDATE_STRUCTS, 1, 100_000_000),
    rateLimitBurst: integer(env, 'RATE_LIMIT_BURST', 5_000, 1, 100_000_000),
    rateLimitPerS: integer(env, 'RATE_LIMIT_PER_S', 500, 1, 100_000_000),
    maxConnectionsPerIp: integer(env, 'MAX_CONNECTIONS_PER_IP', 2_000, 1, 10_000_000),
    maxRoomsLoaded: integer(env, 'MAX_ROOMS_LOADED', 10_000, 1, 10_000_000),
    maxPendingUpdates: integer(env, 'MAX_PENDING_UPDATES', 64, 0, 100_000),
    pendingUpdateTimeoutMs: integer(env, 'PENDING_UPDATE_TIMEOUT_MS', 10_000, 10, 3_600_000),
  });
}

/** An optional URL setting: null when unset or blank; a ConfigError naming the setting when it does not parse. */
function optionalUrl(env: NodeJS.ProcessEnv, name: string, example: string): URL | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  try {
    return new URL(raw.trim());
  } catch {
    throw new ConfigError(name, `expected a URL like ${example}, got "${raw}"`);
  }
}

function redisUrl(env: NodeJS.ProcessEnv, name: string): string | null {
  const parsed = optionalUrl(env, name, 'redis://127.0.0.1:6379');
  if (!parsed) return null;
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(name, `expected a redis:// or rediss:// URL, got "${parsed.protocol}"`);
  }
  return env[name]!.trim();
}

export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const relayId = text(env, 'RELAY_ID', `relay-${randomBytes(4).toString('hex')}`);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(relayId)) {
    throw new ConfigError('RELAY_ID', `expected 1-64 characters from A-Z a-z 0-9 _ . -, got "${relayId}"`);
  }
  const redis = redisUrl(env, 'REDIS_URL');
  return Object.freeze({
    redisUrl: redis,
    relayId,
    antiEntropyIntervalMs: integer(env, 'CLUSTER_ANTI_ENTROPY_MS', 30_000, 100, 3_600_000),
    heartbeatIntervalMs: integer(env, 'CLUSTER_HEARTBEAT_MS', 5_000, 50, 600_000),
    ...replicationConfig(env, redis),
  });
}

function replicationConfig(env: NodeJS.ProcessEnv, redis: string | null) {
  const replicationAcks = integer(env, 'REPLICATION_ACKS', 1, 1, 16);
  if (replicationAcks > 1 && !redis) {
    throw new ConfigError('REPLICATION_ACKS', `${replicationAcks} copies need other relays: set REDIS_URL too (a relay on its own keeps one copy)`);
  }
  return {
    replicationAcks,
    replicationAckTimeoutMs: integer(env, 'REPLICATION_ACK_TIMEOUT_MS', 2_000, 10, 600_000),
    catchUpDocsPerS: integer(env, 'CLUSTER_CATCHUP_DOCS_PER_S', 100, 1, 100_000),
  };
}

function publicUrl(env: NodeJS.ProcessEnv, name: string): string | null {
  const parsed = optionalUrl(env, name, 'http://concord.school.example:1234');
  if (!parsed) return null;
  if (!/^https?:$/.test(parsed.protocol) || (parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
    throw new ConfigError(name, `expected an http(s) origin (scheme://host[:port], no path), got "${env[name]}"`);
  }
  return parsed.origin;
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
    limits: loadLimits(env),
    allowedOrigins: Object.freeze(origins(env, 'ALLOWED_ORIGINS')),
    cluster: loadClusterConfig(env),
    publicUrl: publicUrl(env, 'PUBLIC_URL'),
    historyRetentionDays: env.HISTORY_RETENTION_DAYS?.trim() ? integer(env, 'HISTORY_RETENTION_DAYS', 0, 1, 36_500) : null,
  });
}
