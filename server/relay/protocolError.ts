import { CloseCode } from '../../src/protocol/constants';
import type { Logger } from '../log';
import type { DecodeErrorKind, LimitName, Metrics } from '../metrics';
import type { Connection } from './connection';

/** A frame that cannot be decoded or applied. The connection closes with 4400; the room carries on. */
export class ProtocolError extends Error {
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A socket went past one of config.limits. It is closed with `code`; the room carries on. */
export class LimitExceeded extends Error {
  constructor(
    readonly limit: LimitName,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

/**
 * Closes only the offending socket, counts why, and logs one line. Decode
 * errors count under concord_decode_errors_total{kind}; limits under
 * concord_limits_hit_total{limit} (an update over the decode budget counts in both).
 */
export function closeOffender(
  connection: Connection,
  error: ProtocolError | LimitExceeded,
  metrics: Metrics,
  log: Logger,
): void {
  const where = { room: connection.room, conn: connection.id, ip: connection.ip, role: connection.role };
  if (error instanceof LimitExceeded) {
    metrics.limitsHit.inc({ limit: error.limit });
    log.warn({ ...where, limit: error.limit, code: error.code, reason: error.message }, 'limit hit');
    connection.close(error.code, error.message);
    return;
  }
  metrics.decodeErrors.inc({ kind: error.kind });
  if (error.kind === 'update_budget') {
    metrics.limitsHit.inc({ limit: 'update_structs' });
    log.warn({ ...where, limit: 'update_structs', code: CloseCode.malformed, reason: error.message }, 'limit hit');
  } else if (error.kind === 'missing_deps') {
    metrics.limitsHit.inc({ limit: 'pending_updates' });
    log.warn({ ...where, limit: 'pending_updates', code: CloseCode.malformed, reason: error.message }, 'limit hit');
  } else {
    log.warn({ ...where, kind: error.kind, reason: error.message }, 'malformed frame');
  }
  connection.close(CloseCode.malformed, `malformed frame: ${error.message}`);
}
