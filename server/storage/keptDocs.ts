/**
 * The storage thread's documents kept from one compaction of a room to the
 * next. A compaction's new snapshot is the old one with the log applied, in a
 * garbage-collecting Y.Doc; building that Y.Doc from the old snapshot again
 * was most of a busy room's compaction (bench/durability.ts, bench/fanout.ts:
 * the snapshot grows with the document, the log it adds does not). The Y.Doc
 * that encoded a room's last snapshot is kept and used again when the next
 * compaction starts from exactly those bytes (anything else, e.g. a
 * compaction made in place while the room was unloaded, builds a new one).
 *
 * Bounded: at most MAX_ROOMS documents whose snapshots total
 * MAX_SNAPSHOT_BYTES (a Y.Doc takes ~13 times its snapshot's bytes of heap:
 * ~27 MB at most), none kept longer than KEEP_MS after its room's last
 * compaction. A document that does not fit is not kept, rather than pushing
 * out one kept before: rooms compacting in turn would otherwise each push out
 * the next one to compact, and none would ever be found.
 */
import * as Y from 'yjs';

const MAX_ROOMS = 64;
const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;
const KEEP_MS = 60_000;

interface Kept {
  doc: Y.Doc;
  /** What `doc` encoded at its last compaction (the bytes stored as the room's snapshot). */
  snapshot: Uint8Array;
  keptAt: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

export class KeptDocs {
  /** By room, least recently kept first. */
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Rooms with a kept document. */
  get size(): number {
    return this.kept.size;
  }

  /**
   * A garbage-collecting Y.Doc holding `snapshot` (null: an empty one), the
   * caller's until it hands it back with `keep`: the room's kept document if
   * it encoded exactly these bytes, else a new one.
   */
  take(room: string, snapshot: Uint8Array | null): Y.Doc {
    const kept = this.kept.get(room);
    if (kept) {
      this.forget(room, kept);
      if (snapshot && sameBytes(kept.snapshot, snapshot)) return kept.doc;
      kept.doc.destroy();
    }
    const doc = new Y.Doc({ gc: true });
    if (snapshot) Y.applyUpdate(doc, snapshot);
    return doc;
  }

  /** Keeps `doc`, which just encoded `snapshot`, for the room's next compaction (or destroys it if it does not fit). */
  keep(room: string, doc: Y.Doc, snapshot: Uint8Array): void {
    const old = this.kept.get(room);
    if (old) {
      this.forget(room, old);
      if (old.doc !== doc) old.doc.destroy();
    }
    if (!this.fits(snapshot)) this.expire();
    if (!this.fits(snapshot)) {
      doc.destroy();
      return;
    }
    this.kept.set(room, { doc, snapshot, keptAt: this.now() });
    this.bytes += snapshot.byteLength;
    this.expireLater();
  }

  /** Destroys the documents not kept again within KEEP_MS. */
  expire(): void {
    const now = this.now();
    for (const [name, entry] of this.kept) {
      if (now - entry.keptAt < KEEP_MS) break; // the rest were kept later
      this.forget(name, entry);
      entry.doc.destroy();
    }
    if (this.kept.size > 0) this.expireLater();
  }

  clear(): void {
    for (const entry of this.kept.values()) entry.doc.destroy();
    this.kept.clear();
    this.bytes = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fits(snapshot: Uint8Array): boolean {
    return this.kept.size < MAX_ROOMS && this.bytes + snapshot.byteLength <= MAX_SNAPSHOT_BYTES;
  }

  private forget(room: string, entry: Kept): void {
    this.kept.delete(room);
    this.bytes -= entry.snapshot.byteLength;
  }

  private expireLater(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expire();
    }, KEEP_MS);
    this.timer.unref();
  }
}
