/**
 * Runs inside each benchmarked server's process (Concord, the reference
 * y-websocket server, Hocuspocus): measures that process's event-loop delay,
 * memory and CPU the same way for all three, and answers the bench over IPC.
 *
 * Event-loop delay uses perf_hooks.monitorEventLoopDelay at a 10 ms
 * resolution, the same sampler prom-client uses for Concord's
 * nodejs_eventloop_lag_* metrics.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

export interface ServerStats {
  rssBytes: number;
  heapUsedBytes: number;
  /** Memory outside the JS heap that V8 knows of (Buffers, ArrayBuffers, zlib contexts are not all counted). */
  externalBytes: number;
  /** The JS heap's committed size (used + free pages V8 keeps). */
  heapTotalBytes: number;
  /** Physical (resident) bytes per V8 heap space: new_space, old_space, code_space, large_object_space, … */
  heapSpaces: Record<string, number>;
  /** CPU time (user + system) of this process since the last reset, in ms. */
  cpuMs: number;
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
}

export type MonitorRequest =
  | { id: number; cmd: 'stats'; reset: boolean }
  | { id: number; cmd: 'gc' }
  /** Writes a V8 heap snapshot to `path` (bench/heapProbe.ts compares two). */
  | { id: number; cmd: 'heapSnapshot'; path: string };

export const EVENT_LOOP_RESOLUTION_MS = 10;

export function startMonitor(): void {
  const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  delay.enable();
  let cpuSince = process.cpuUsage();
  process.on('message', (request: MonitorRequest) => {
    if (request.cmd === 'gc') {
      // Two passes: the first may only schedule finalizers that free more.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      process.send?.({ id: request.id, ok: Boolean(gc) });
      return;
    }
    if (request.cmd === 'heapSnapshot') {
      writeHeapSnapshot(request.path);
      process.send?.({ id: request.id, ok: true });
      return;
    }
    const cpu = process.cpuUsage(cpuSince);
    const memory = process.memoryUsage();
    const stats: ServerStats = {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external,
      heapTotalBytes: memory.heapTotal,
      heapSpaces: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size])),
      cpuMs: (cpu.user + cpu.system) / 1000,
      eventLoopP50Ms: delay.percentile(50) / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      eventLoopMaxMs: delay.max / 1e6,
    };
    if (request.reset) {
      delay.reset();
      cpuSince = process.cpuUsage();
    }
    process.send?.({ id: request.id, stats });
  });
  // The bench went away (or crashed): do not linger as an orphan.
  process.on('disconnect', () => process.exit(0));
}
