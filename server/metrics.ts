/**
 * Prometheus metrics for /metrics. One registry per relay instance, so tests
 * that start several relays in one process do not share counters.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type DecodeErrorKind = 'text_frame' | 'unknown_type' | 'bad_sync' | 'bad_update' | 'bad_awareness';

export function createMetrics() {
  const registry = new Registry();
  // Process metrics, including nodejs_eventloop_lag_* (the relay's responsiveness).
  collectDefaultMetrics({ register: registry });

  const connections = new Gauge({ name: 'concord_connections', help: 'Open WebSocket connections', registers: [registry] });
  const roomsLoaded = new Gauge({ name: 'concord_rooms_loaded', help: 'Rooms held in memory', registers: [registry] });
  const messagesIn = new Counter({ name: 'concord_messages_in_total', help: 'Frames received from clients', registers: [registry] });
  const messagesOut = new Counter({ name: 'concord_messages_out_total', help: 'Frames sent to clients', registers: [registry] });
  const bytesIn = new Counter({ name: 'concord_bytes_in_total', help: 'Bytes received from clients', registers: [registry] });
  const bytesOut = new Counter({ name: 'concord_bytes_out_total', help: 'Bytes sent to clients', registers: [registry] });
  const updatesPersisted = new Counter({
    name: 'concord_updates_persisted_total',
    help: 'Document updates committed to storage',
    registers: [registry],
  });
  const storageCommits = new Counter({ name: 'concord_storage_commits_total', help: 'Storage transactions committed', registers: [registry] });
  const storageErrors = new Counter({ name: 'concord_storage_errors_total', help: 'Storage transactions that failed (retried)', registers: [registry] });
  const compactions = new Counter({ name: 'concord_compactions_total', help: 'Room logs compacted into a snapshot', registers: [registry] });
  const decodeErrors = new Counter({
    name: 'concord_decode_errors_total',
    help: 'Frames that failed to decode, by kind; each closed its socket',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const closes = new Counter({
    name: 'concord_closes_total',
    help: 'Connections closed, by close code',
    labelNames: ['code'] as const,
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
    compactions,
    decodeErrors,
    closes,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
