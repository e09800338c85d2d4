/** Structured logs (pino): one JSON line per event, level from LOG_LEVEL. */
import { pino, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'concord-relay' } });
}
