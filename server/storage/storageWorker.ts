/**
 * The storage thread's body (see storageThread.ts): compactions, one at a
 * time. `compact` reads the log, plans and writes with this thread's own
 * connection to the database, then deletes the entries it folded, a chunk per
 * turn of this thread's loop (compactionIO.ts); `plan` only plans, from inputs
 * read by the relay, which writes the result. Each room's Y.Doc is kept from
 * one compaction to the next when it can be (keptDocs.ts).
 */
import Database from 'better-sqlite3';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { buffersOf, planCompaction, type Compaction, type FoldInputs } from '../history/fold';
import { HistoryStore } from '../history/historyStore';
import { checkOf, compactionReader, compactionWriter, LogTrimmer, roomReads, type CompactionCheck, type CompactionJob } from './compactionIO';
import { KeptDocs } from './keptDocs';

export type StorageJob =
  | { kind: 'plan'; room: string; inputs: FoldInputs; snapshot: Uint8Array | null }
  | { kind: 'compact'; file: string; retentionDays: number | null; room: string; upTo: number };

export type StorageReply = { id: number; result: unknown } | { id: number; error: string };

/**
 * This thread runs at a lower CPU priority than the relay's event loop (Linux
 * applies it to this thread only): when both want a core, the relay's
 * receipts, broadcasts and acks go first, and a compaction waits. It still
 * runs whenever a core is free. (Databases do the same with background
 * compaction, e.g. RocksDB's LowerThreadPoolCPUPriority.) Under
 * bench/durability.ts it makes no measurable difference since compactions
 * wait for quiet rooms (bench/RESULTS.md); it is for the bursts that do not.
 */
const NICENESS = 10;
try {
  setPriority(NICENESS);
} catch {
  // not permitted here: same priority as the relay
}

const kept = new KeptDocs();

interface CompactingConnection {
  read: (room: string, upTo: number) => CompactionJob | null;
  write: (room: string, check: CompactionCheck, compaction: Compaction) => number;
  trimmer: LogTrimmer;
}

/** This thread's connection to a database file (opened at its first compaction). */
const databases = new Map<string, CompactingConnection>();

function databaseOf(file: string, retentionDays: number | null): CompactingConnection {
  let opened = databases.get(file);
  if (opened) return opened;
  const db = new Database(file); // WAL, set by the relay's connection, is a property of the file
  // Its writes are made durable by the relay's next fsync of the WAL (compactionIO.ts).
  db.pragma('synchronous = NORMAL');
  const { loadSnapshot, loadLog } = roomReads(db);
  // The relay's own HistoryStore sweeps expired versions; this one only folds.
  const history = new HistoryStore(db, { retentionDays, sweep: false }, { loadSnapshot, loadLog });
  opened = {
    read: compactionReader(db, history, loadSnapshot),
    write: compactionWriter(db, history, { deleteFolded: false }),
    trimmer: new LogTrimmer(db, (error) => console.error('concord storage thread: deleting compacted log entries failed', error)),
  };
  databases.set(file, opened);
  return opened;
}

/**
 * Plans from the room's kept Y.Doc. `keep`: the doc is kept for the next
 * compaction (when its result is stored); else it is destroyed.
 */
function plan(room: string, inputs: FoldInputs, snapshot: Uint8Array | null): { compaction: Compaction; keep: (stored: boolean) => void } {
  const doc = kept.take(room, snapshot);
  const compaction = planCompaction(inputs, snapshot, doc);
  const before = compaction.snapshot.slice(); // its own buffer may move to the relay's thread
  return {
    compaction,
    keep: (stored) => (stored ? kept.keep(room, doc, before) : doc.destroy()), // not stored: the next compaction starts from what is
  };
}

/** Reads, plans and writes a compaction; the entries it folded are deleted after it. Returns how many it folded. */
function compact(job: Extract<StorageJob, { kind: 'compact' }>): number {
  const database = databaseOf(job.file, job.retentionDays);
  const read = database.read(job.room, job.upTo);
  if (!read) return 0;
  const { compaction, keep } = plan(job.room, read.inputs, read.snapshot);
  const folded = database.write(job.room, checkOf(read), compaction);
  keep(folded > 0);
  if (folded > 0) database.trimmer.trim(job.room, job.upTo, folded);
  return folded;
}

parentPort!.on('message', ({ id, job }: { id: number; job: StorageJob }) => {
  try {
    if (job.kind === 'compact') {
      parentPort!.postMessage({ id, result: compact(job) });
      return;
    }
    const { compaction, keep } = plan(job.room, job.inputs, job.snapshot);
    keep(true); // (the relay writes it; if it does not, the next one starts from other bytes and builds anew)
    parentPort!.postMessage({ id, result: compaction }, buffersOf(compaction));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
