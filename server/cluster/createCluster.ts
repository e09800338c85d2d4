/** Chooses the relay's cluster link: Redis when REDIS_URL is set, none otherwise (or a given transport, in tests). */
import type { ClusterConfig } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { nullCluster, type ClusterLink } from './clusterLink';
import { RedisTransport } from './redisTransport';
import { RelayCluster, type ClusterStores } from './relayCluster';
import type { Transport } from './transport';

export function createCluster(
  config: ClusterConfig,
  metrics: Metrics,
  log: Logger,
  /** The relay's storage and database file: every relay stores every document (eager replication). */
  stores: ClusterStores & { compactAfterUpdates: number },
  transport?: Transport,
): ClusterLink {
  if (!transport && !config.redisUrl) return nullCluster(config.relayId);
  const link = transport ?? new RedisTransport(config.redisUrl!, config.relayId, log);
  return new RelayCluster(
    link,
    {
      relayId: config.relayId,
      antiEntropyIntervalMs: config.antiEntropyIntervalMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      replicationAcks: config.replicationAcks,
      replicationAckTimeoutMs: config.replicationAckTimeoutMs,
      catchUpDocsPerS: config.catchUpDocsPerS,
      compactAfterUpdates: stores.compactAfterUpdates,
    },
    metrics,
    log.child({ relay: config.relayId }),
    stores,
  );
}
