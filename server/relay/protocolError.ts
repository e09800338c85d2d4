/**
 * How a socket's trouble ends: a frame that may not be applied (ProtocolError),
 * a limit passed (LimitExceeded), or a bug while handling it (anything else).
 * Each closes that one socket with its documented code (src/protocol/constants.ts
 * CloseCode, docs/PROTOCOL.md), counts it and logs one line; the room and the
 * relay carry on (rules R3, R11).
 */
import { CloseCode } from '../../src/protocol/constants';
import type { Logger } from '../log';
import type { DecodeErrorKind, LimitName, Metrics } from '../metrics';
import type { Connection } from './connection';

/** The close code of each kind of refused frame: 4400 unless an honest client can cause it, or its id is the problem. */
const CODE_OF_KIND: Partial<Record<DecodeErrorKind, CloseCode>> = {
  missing_deps: CloseCode.missingDependencies,
  reserved_client: CloseCode.reservedClientId,
};

/** A frame that cannot be decoded or applied. The connection closes (4400, 4409 or 4503 by kind); the room carries on. */
export class ProtocolError extends Error {
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  get code(): CloseCode {
    return CODE_OF_KIND[this.kind] ?? CloseCode.malformed;
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

/** The limit an error kind also counts under, in concord_limits_hit_total{limit}. */
const LIMIT_OF_KIND: Partial<Record<DecodeErrorKind, LimitName>> = {
  update_budget: 'update_structs',
  missing_deps: 'pending_updates',
};

function where(connection: Connection) {
  return { room: connection.room, conn: connection.id, ip: connection.ip, role: connection.role };
}

/**
 * Closes only the offending socket, counts why, and logs one line. Decode
 * errors count under concord_decode_errors_total{kind}; limits under
 * concord_limits_hit_total{limit} (an update over the decode budget and held
 * updates that never resolved count in both).
 */
export function closeOffender(
  connection: Connection,
  error: ProtocolError | LimitExceeded,
  metrics: Metrics,
  log: Logger,
): void {
  if (error instanceof LimitExceeded) {
    metrics.limitsHit.inc({ limit: error.limit });
    log.warn({ ...where(connection), limit: error.limit, code: error.code, reason: error.message }, 'limit hit');
    connection.close(error.code, error.message);
    return;
  }
  metrics.decodeErrors.inc({ kind: error.kind });
  const limit = LIMIT_OF_KIND[error.kind];
  if (limit) {
    metrics.limitsHit.inc({ limit });
    log.warn({ ...where(connection), limit, code: error.code, reason: error.message }, 'limit hit');
  } else {
    log.warn({ ...where(connection), kind: error.kind, code: error.code, reason: error.message }, 'refused frame');
  }
  connection.close(error.code, `${error.kind}: ${error.message}`);
}

/**
 * Closes the socket on whose behalf an unexpected error was thrown (1011, a
 * transient code: the client reconnects), logs it with its room and stack, and
 * counts it. Whatever it was, it must not take the process or other rooms down.
 */
export function closeAfterHandlerError(connection: Connection, error: unknown, metrics: Metrics, log: Logger): void {
  metrics.handlerErrors.inc();
  log.error({ ...where(connection), err: error, code: CloseCode.internalError }, 'error while handling a socket: closed it');
  connection.close(CloseCode.internalError, 'internal error');
}

/** Turns any error into the right close for `connection`. */
export function closeFor(connection: Connection, error: unknown, metrics: Metrics, log: Logger): void {
  if (error instanceof ProtocolError || error instanceof LimitExceeded) closeOffender(connection, error, metrics, log);
  else closeAfterHandlerError(connection, error, metrics, log);
}
