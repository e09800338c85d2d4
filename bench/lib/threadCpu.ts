/**
 * CPU time per thread of another process on Linux (/proc/<pid>/task/<tid>/schedstat,
 * nanoseconds on a CPU; the name from .../comm),
 * grouped by thread name: the main thread ("node" or the script's name), V8's
 * workers ("V8 DefaultWorke"), libuv's pool ("libuv-worker"), worker_threads
 * ("WorkerThread" or their name). Empty where /proc is missing.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ThreadCpu = Map<string, number>;

/** ms on a CPU so far by each thread name of `pid`; the main thread is "main". */
export function threadCpu(pid: number): ThreadCpu {
  const byName: ThreadCpu = new Map();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const ms = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      const key = process.env.THREAD_TIDS ? `${name}:${tid}` : name;
      byName.set(key, (byName.get(key) ?? 0) + ms);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/** What each thread name used between two readings (threads that ended meanwhile are not counted). */
export function threadCpuSince(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  const used: ThreadCpu = new Map();
  for (const [name, ms] of after) used.set(name, ms - (before.get(name) ?? 0));
  return used;
}
