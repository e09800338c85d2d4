/**
 * Concord's relay as the bench runs it: the production entry point
 * (server/main.ts, configured by environment variables) plus the monitor.
 */
import { startMonitor } from './monitor';

startMonitor();
await import('../../server/main');
