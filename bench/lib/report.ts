/**
 * Numbers and tables for the bench: percentiles, formatting, and a report that
 * prints as it goes and keeps the same Markdown for bench/RESULTS.md.
 */
import { cpus } from 'node:os';

export const QUICK = process.env.QUICK === '1';

export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const ms = (value: number) => fmt(value, value < 10 ? 2 : 1);
export const kib = (bytes: number) => fmt(bytes / 1024, 1);
export const mib = (bytes: number) => fmt(bytes / 1024 / 1024, 1);

/** `value` and its ratio to `reference` ("1.85×"), or just the value where there is no reference. */
export function withRatio(text: string, value: number, reference: number | undefined): string {
  if (reference === undefined || !Number.isFinite(reference) || reference === 0 || !Number.isFinite(value)) return text;
  return `${text} (${fmt(value / reference, 2)}×)`;
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Yields to the event loop (lets sockets flush and frames arrive). */
export const tick = () => new Promise((resolve) => setImmediate(resolve));

class Report {
  readonly markdown: string[] = [];
  /** Printed under the next section's description (how busy the machine was). */
  nextSectionNote: string | null = null;

  section(title: string, description: string): void {
    this.emit(`\n## ${title}\n\n${description}\n`);
    if (this.nextSectionNote) this.note(this.nextSectionNote);
    this.nextSectionNote = null;
  }

  table(headers: string[], rows: string[][]): void {
    const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
    const line = (cells: string[]) => `| ${cells.map((cell, column) => (cell ?? '').padEnd(widths[column])).join(' | ')} |`;
    this.emit([line(headers), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n') + '\n');
  }

  note(text: string): void {
    this.emit(`${text}\n`);
  }

  /** Progress for the terminal only. */
  progress(text: string): void {
    process.stderr.write(`  … ${text}\n`);
  }

  private emit(text: string): void {
    console.log(text);
    this.markdown.push(text);
  }
}

export const report = new Report();

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Share of all CPUs busy over `sampleMs`, from /proc/stat (Linux); NaN elsewhere. */
export async function cpuBusy(sampleMs = 1_000): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const read = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const idle = fields[3] + (fields[4] ?? 0);
      return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
    } catch {
      return null;
    }
  };
  const before = read();
  await sleep(sampleMs);
  const after = read();
  if (!before || !after || after.total === before.total) return NaN;
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/**
 * The machine is shared: before a benchmark, wait (up to `timeoutMs`) until
 * the CPUs are mostly idle, and say in the report how busy they were.
 */
export async function waitForQuiet(timeoutMs = Number(process.env.BENCH_QUIET_WAIT_MS ?? 90_000)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let busy = await cpuBusy();
  let waited = false;
  while (busy > 0.15 && Date.now() < deadline) {
    if (!waited) report.progress(`other processes keep the CPUs ${fmt(busy * 100)} % busy; waiting up to ${fmt(timeoutMs / 1000)} s for quiet`);
    waited = true;
    busy = await cpuBusy(2_000);
  }
  report.nextSectionNote = `_CPUs ${fmt(busy * 100)} % busy just before this benchmark (other processes; > 15 % makes figures noisy)._\n`;
}

function busyJiffies(): number {
  try {
    // user, nice, system, steal: process time and the hypervisor's. Not irq/softirq: loopback
    // TCP work for our own sockets lands there, and it is not another process's doing.
    const [user, nice, system, , , , , steal] = readFileSyncCached('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system + (steal ?? 0);
  } catch {
    return NaN;
  }
}

let readFileSyncCached: (path: string) => string = () => {
  throw new Error('not loaded');
};
import('node:fs').then((fs) => (readFileSyncCached = (path) => fs.readFileSync(path, 'utf8')));

/**
 * CPU used by processes other than this one and the server under test during
 * a run, in % of one core: the machine is shared, and this says how much the
 * figures may be disturbed. Linux only (NaN elsewhere); USER_HZ = 100 assumed.
 */
export class ForeignCpu {
  private readonly startedAt = performance.now();
  private readonly busy = busyJiffies();
  private readonly own = process.cpuUsage();

  /** `serverCpuMs`: the server's CPU time over the same window. */
  percent(serverCpuMs: number): number {
    const elapsedMs = performance.now() - this.startedAt;
    const machineMs = (busyJiffies() - this.busy) * 10;
    const own = process.cpuUsage(this.own);
    const ownMs = (own.user + own.system) / 1000;
    return Math.max(0, ((machineMs - ownMs - serverCpuMs) / elapsedMs) * 100);
  }
}
