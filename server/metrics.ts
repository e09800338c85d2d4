/**
 * Prometheus metrics for /metrics. One registry per relay instance, so tests
 * that start several relays in one process do not share counters.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CloseCode } from '../src/protocol/constants';

/**
 * Why a frame closed its socket: text frame, bad type varint, bad sync message,
 * an update that does not decode or apply, an update over the decode budget,
 * bad awareness (all 4400); updates whose dependencies never arrived (4503);
 * structs written under the seed's reserved client id (4409).
 */
export type DecodeErrorKind =
  | 'text_frame'
  | 'bad_type'
  | 'bad_sync'
  | 'bad_update'
  | 'update_budget'
  | 'missing_deps'
  | 'bad_awareness'
  | 'reserved_client';

/** The limits of config.limits, as they appear in concord_limits_hit_total{limit}. */
export type LimitName =
  | 'frame_bytes'
  | 'awareness_bytes'
  | 'awareness_clients'
  | 'update_structs'
  | 'message_rate'
  | 'connections_per_ip'
  | 'rooms_loaded'
  | 'pending_updates';

/**
 * A counter for the per-frame hot path: `inc` is a plain addition, and
 * prom-client reads the total only when /metrics is scraped.
 */
function tally(registry: Registry, name: string, help: string): { inc(by?: number): void } {
  let total = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total);
    },
  });
  return {
    inc(by = 1) {
      total += by;
    },
  };
}

const CLOSE_KINDS = new Map<number, string>(Object.entries(CloseCode).map(([kind, code]) => [code, kind]));

/** The name of a close code for metrics and logs (`tooBig`, `malformed`, …; `other` for codes we do not send). */
export function closeKind(code: number): string {
  if (CLOSE_KINDS.has(code)) return CLOSE_KINDS.get(code)!;
  if (code === 1005) return 'noStatus';
  if (code === 1006) return 'abnormal';
  return 'other';
}

export function createMetrics() {
  const registry = new Registry();
  // Process metrics, including nodejs_eventloop_lag_* (the relay's responsiveness).
  collectDefaultMetrics({ register: registry });

  // The event-loop delay p99 under one name of our own, measured since the last scrape.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  new Gauge({
    name: 'concord_event_loop_delay_p99_seconds',
    help: 'Event-loop delay, 99th percentile since the previous scrape (perf_hooks.monitorEventLoopDelay)',
    registers: [registry],
    collect() {
      const p99 = loopDelay.count > 0 ? loopDelay.percentile(99) : 0;
      this.set(p99 / 1e9);
      loopDelay.reset();
    },
  });

  const connections = new Gauge({ name: 'concord_connections', help: 'Open WebSocket connections', registers: [registry] });
  const roomsLoaded = new Gauge({ name: 'concord_rooms_loaded', help: 'Rooms held in memory', registers: [registry] });
  // Counted once per frame per socket: plain additions, read by prom-client only when scraped.
  const messagesIn = tally(registry, 'concord_messages_in_total', 'Frames received from clients');
  const messagesOut = tally(registry, 'concord_messages_out_total', 'Frames sent to clients');
  const bytesIn = tally(registry, 'concord_bytes_in_total', 'Bytes received from clients');
  const bytesOut = tally(registry, 'concord_bytes_out_total', 'Bytes sent to clients');
  const updatesPersisted = new Counter({
    name: 'concord_updates_persisted_total',
    help: 'Document updates committed to storage',
    registers: [registry],
  });
  const storageCommits = new Counter({ name: 'concord_storage_commits_total', help: 'Storage transactions committed', registers: [registry] });
  const storageErrors = new Counter({ name: 'concord_storage_errors_total', help: 'Storage transactions that failed (retried)', registers: [registry] });
  const storageBusy = new Counter({
    name: 'concord_storage_busy_total',
    help: 'Commits put off for a millisecond because the storage thread held the write lock (a compaction)',
    registers: [registry],
  });
  const compactions = new Counter({ name: 'concord_compactions_total', help: 'Room logs compacted into a snapshot', registers: [registry] });
  const decodeErrors = new Counter({
    name: 'concord_decode_errors_total',
    help: 'Frames that failed to decode, by kind; each closed its socket',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const closes = new Counter({
    name: 'concord_closes_total',
    help: 'Connections closed, by close code and its name (src/protocol/constants.ts CloseCode)',
    labelNames: ['code', 'kind'] as const,
    registers: [registry],
  });
  const limitsHit = new Counter({
    name: 'concord_limits_hit_total',
    help: 'Times a configured limit refused or closed something, by limit',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const upgradesRefused = new Counter({
    name: 'concord_upgrades_refused_total',
    help: 'WebSocket upgrades refused before the handshake, by HTTP status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const viewerUpdatesDropped = new Counter({
    name: 'concord_viewer_updates_dropped_total',
    help: 'Update frames from view-only sockets, dropped: never applied, stored or forwarded',
    registers: [registry],
  });
  const unknownMessages = new Counter({
    name: 'concord_unknown_messages_total',
    help: 'Frames of a message type the relay does not handle from clients (e.g. auth, saved, or a newer type): ignored, socket kept open; by type (0-255, else "other")',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const duplicateUpdates = new Counter({
    name: 'concord_updates_duplicate_total',
    help: 'Updates the room already had (echoes of what it sent, repeated step 2s): not stored or forwarded, still acked',
    registers: [registry],
  });
  const trimmedUpdates = new Counter({
    name: 'concord_updates_trimmed_total',
    help: 'Updates partly known to the room: only their new part was stored and forwarded',
    registers: [registry],
  });
  const handlerErrors = new Counter({
    name: 'concord_handler_errors_total',
    help: 'Unexpected errors while handling a frame or a socket event: that socket closed with 1011, the relay carried on',
    registers: [registry],
  });
  const storageSyncs = tally(
    registry,
    'concord_storage_syncs_total',
    'fsyncs of the write-ahead log after commits (each covers every commit made while the previous ran; acks follow them)',
  );
  const compactSyncs = tally(
    registry,
    'concord_compact_syncs_total',
    'Sync step 2 answers sent as a deflated V2 update, to clients that asked for it (?sync=v2z); the others get V1',
  );
  const compactSyncEncodes = tally(
    registry,
    'concord_compact_sync_encodes_total',
    'Whole-document compact answers encoded for clients that had nothing yet (each is shared by every such client until the document changes)',
  );
  const throttledMs = tally(registry, 'concord_throttled_ms_total', 'Milliseconds sockets spent paused by the rate limit (backpressure: the relay stops reading them)');
  const ackLatency = new Histogram({
    name: 'concord_ack_latency_seconds',
    help: 'From an update frame\'s arrival to the `saved` ack that covers it (decode, apply, commit, fsync, group commit): how long an edit waits to be durable, on the relay',
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const updatesHeld = new Counter({
    name: 'concord_updates_held_total',
    help: 'Updates that arrived before a struct they build on and waited on their socket for it',
    registers: [registry],
  });

  // The cluster (server/cluster/): zero and silent without REDIS_URL.
  const redisConnected = new Gauge({
    name: 'concord_redis_connected',
    help: 'Whether the link to Redis is up (1) or down (0); always 0 without REDIS_URL',
    registers: [registry],
  });
  const redisMessages = new Counter({
    name: 'concord_redis_messages_total',
    help: 'Cluster messages published to (out) and received from (in) Redis, by kind; in: own = our own, ignored',
    labelNames: ['direction', 'kind'] as const,
    registers: [registry],
  });
  const redisBytes = new Counter({
    name: 'concord_redis_bytes_total',
    help: 'Bytes of cluster messages published to (out) and received from (in) Redis',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const redisPublishDropped = new Counter({
    name: 'concord_redis_publish_dropped_total',
    help: 'Cluster messages not published because the link was down (the catch-up on reconnect carries them)',
    registers: [registry],
  });
  const clusterCatchUps = new Counter({
    name: 'concord_cluster_catchups_total',
    help: 'Catch-up syncs this relay started (state vector sent to the other relays), by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const clusterCatchUpReplies = new Counter({
    name: 'concord_cluster_catchup_replies_total',
    help: 'Catch-up answers (what a relay lacked) sent to and received from other relays',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const clusterUpdatesApplied = new Counter({
    name: 'concord_cluster_updates_applied_total',
    help: 'Updates from other relays (live or catch-up) applied, stored and forwarded here',
    registers: [registry],
  });
  const clusterUpdatesDeferred = new Counter({
    name: 'concord_cluster_updates_deferred_total',
    help: 'Updates from other relays that built on something missing here: not applied, a catch-up fetched them',
    registers: [registry],
  });
  const clusterPeers = new Gauge({
    name: 'concord_cluster_peers',
    help: 'Other relays heard from recently (heartbeats)',
    registers: [registry],
  });

  // Eager replication and REPLICATION_ACKS (server/cluster/replication.ts): empty without REDIS_URL.
  type PeerReport = Array<{ peer: string; lagSeconds: number; documents: number }>;
  let peerReport: (() => PeerReport) | null = null;
  new Gauge({
    name: 'concord_replication_lag_seconds',
    help: 'Per peer relay: age of the oldest update accepted here that the peer has not yet confirmed storing (0 when it holds everything)',
    labelNames: ['peer'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { peer, lagSeconds } of peerReport?.() ?? []) this.set({ peer }, lagSeconds);
    },
  });
  new Gauge({
    name: 'concord_replication_unreplicated_documents',
    help: 'Per peer relay: documents with updates accepted here that the peer has not yet confirmed storing',
    labelNames: ['peer'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { peer, documents } of peerReport?.() ?? []) this.set({ peer }, documents);
    },
  });
  const replicationAcksWaiting = new Gauge({
    name: 'concord_replication_acks_waiting',
    help: 'Sockets whose committed edits wait for other relays’ commits before `saved` (REPLICATION_ACKS > 1)',
    registers: [registry],
  });
  const replicationOneRelayOnly = new Counter({
    name: 'concord_replication_one_relay_only_total',
    help: 'Times a tab was told its edits are stored on fewer relays than REPLICATION_ACKS (no other relay confirmed in time)',
    registers: [registry],
  });
  const replicationUnloadedUpdates = new Counter({
    name: 'concord_replication_unloaded_updates_total',
    help: 'Other relays’ updates for documents not loaded here: stored without loading, duplicate (already stored), or missing (built on something not stored here: fetched instead)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const replicationCatchUpDocuments = new Counter({
    name: 'concord_replication_catchup_documents_total',
    help: 'Documents compared with a peer by the directory catch-up (bounded by CLUSTER_CATCHUP_DOCS_PER_S)',
    registers: [registry],
  });
  const replicationCatchUpPages = new Counter({
    name: 'concord_replication_catchup_pages_total',
    help: 'Pages of peers’ documents directories requested and received',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const replicationCatchUpBacklog = new Gauge({
    name: 'concord_replication_catchup_backlog',
    help: 'Documents of the current directory pages still to compare with peers',
    registers: [registry],
  });

  return {
    registry,
    connections,
    roomsLoaded,
    messagesIn,
    messagesOut,
    bytesIn,
    bytesOut,
    updatesPersisted,
    storageCommits,
    storageErrors,
    storageBusy,
    compactions,
    decodeErrors,
    closes,
    limitsHit,
    upgradesRefused,
    viewerUpdatesDropped,
    updatesHeld,
    unknownMessages,
    duplicateUpdates,
    trimmedUpdates,
    handlerErrors,
    storageSyncs,
    compactSyncs,
    compactSyncEncodes,
    throttledMs,
    ackLatency,
    redisConnected,
    redisMessages,
    redisBytes,
    redisPublishDropped,
    clusterCatchUps,
    clusterCatchUpReplies,
    clusterUpdatesApplied,
    clusterUpdatesDeferred,
    clusterPeers,
    replicationAcksWaiting,
    replicationOneRelayOnly,
    replicationUnloadedUpdates,
    replicationCatchUpDocuments,
    replicationCatchUpPages,
    replicationCatchUpBacklog,
    /** Where the per-peer replication gauges read from (the cluster sets it). */
    replicationPeers: {
      set(report: () => PeerReport) {
        peerReport = report;
      },
    },
    /** Stops the event-loop monitor (the relay is closing). */
    stop() {
      loopDelay.disable();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
