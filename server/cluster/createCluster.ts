/** Chooses the relay's cluster link: Redis when REDIS_URL is set, none otherwise (or a given transport, in tests). */
import type { ClusterConfig } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { nullCluster, type ClusterLink } from './clusterLink';
import { RedisTransport } from './redisTransport';
import { RelayCluster } from './relayCluster';
import type { Transport } from './transport';

export function createCluster(config: ClusterConfig, metrics: Metrics, log: Logger, transport?: Transport): ClusterLink {
  if (!transport && !config.redisUrl) return nullCluster(config.relayId);
  const link = transport ?? new RedisTransport(config.redisUrl!, config.relayId, log);
  return new RelayCluster(
    link,
    {
      relayId: config.relayId,
      antiEntropyIntervalMs: config.antiEntropyIntervalMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
    },
    metrics,
    log.child({ relay: config.relayId }),
  );
}
