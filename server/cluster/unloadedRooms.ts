/**
 * Eager replication's storage side: other relays' updates for documents this
 * relay has NOT loaded are appended to the document's stored log without
 * loading it (no Y.Doc, no room, no presence, not counted in rooms loaded).
 *
 * What one update costs here (measured by `npm run bench -- cluster`): a
 * linear pre-scan of its bytes (updateScan.ts, the same one the relay runs on
 * client updates), a dependency check against the document's stored state
 * vector (kept in memory, see below), and one row in the tick's storage
 * transaction (one commit, one fsync, per tick for every document).
 *
 * - The stored state vector of each document touched is cached (LRU); on a
 *   miss it is read from the store once (`encodeStateVectorFromUpdate` of the
 *   merged snapshot and log) and then moved forward by each update appended.
 * - An update that builds on structs the store lacks is NOT appended (a gap
 *   in a stored log would leave structs pending when the document is loaded):
 *   the caller asks the origin for the document instead (a catch-up brings it).
 *   The one exception is a new document's seed: identical bytes on every relay
 *   (src/protocol/seed.ts), so it is written here rather than fetched.
 * - The log is compacted once it passes COMPACT_AFTER_UPDATES, by loading the
 *   document briefly (the one place a Y.Doc is made), at most a few per second.
 * - Exact digests (state vector + delete-set digest) for the catch-up are made
 *   the same way, on demand and bounded by the catch-up's rate; cached until
 *   the document changes.
 */
import * as Y from 'yjs';
import { mergeAll } from '../history/fold';
import { SEED_CLIENT_ID } from '../../src/protocol/document';
import { seedUpdate } from '../../src/protocol/seed';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { missingDependencies, scanUpdate, type ScannedUpdate } from '../relay/updateScan';
import type { AppendEntry, Storage } from '../storage/storage';
import { deleteSetDigest } from './deleteSetDigest';

/** What storing one update did. */
export type StoreResult = 'stored' | 'duplicate' | 'missing';

export interface EditInfo {
  at?: number;
  author?: number | null;
  quiet?: boolean;
}

export interface RoomDigest {
  stateVector: Uint8Array;
  deleteDigest: Uint8Array;
}

const MAX_CACHED_STATE_VECTORS = 10_000;
const MAX_CACHED_DIGESTS = 2_000;
const COMPACTIONS_PER_SECOND = 5;

function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/** Touches a key in an insertion-ordered Map used as an LRU, evicting the oldest past `max`. */
function lruSet<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

export class UnloadedRooms {
  private queued: AppendEntry[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly stateVectors = new Map<string, Map<number, number>>();
  private readonly digests = new Map<string, RoomDigest>();
  /** Log entries since the last compaction, per document touched here. */
  private readonly logLengths = new Map<string, number>();
  private readonly toCompact = new Set<string>();
  private readonly compactor: NodeJS.Timeout;

  constructor(
    private readonly storage: Storage,
    private readonly options: { compactAfterUpdates: number; isLoaded: (room: string) => boolean },
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.compactor = setInterval(() => this.compactSome(), 1_000 / COMPACTIONS_PER_SECOND);
    this.compactor.unref();
  }

  /**
   * Stores an update for a document that is not loaded here. `missing`: it
   * builds on something the store lacks, and nothing was stored.
   */
  store(room: string, update: Uint8Array, edit: EditInfo = {}): StoreResult {
    if (isEmptyUpdate(update)) return 'duplicate';
    let scan: ScannedUpdate;
    try {
      scan = scanUpdate(update, Number.POSITIVE_INFINITY); // other relays are trusted: no decode budget
    } catch (error) {
      this.log.error({ room, err: error }, 'update from another relay does not decode; dropped');
      return 'duplicate';
    }
    const stateVector = this.stateVector(room);
    const clocks = { get: (client: number) => stateVector.get(client) };
    if (missingDependencies(scan, clocks)) {
      if (stateVector.size > 0 || !this.buildsOnSeed(scan)) {
        this.metrics.replicationUnloadedUpdates.inc({ result: 'missing' });
        return 'missing';
      }
      // A new document: every relay seeds it with the same bytes.
      this.append(room, seedUpdate(), stateVector, scanUpdate(seedUpdate(), Number.POSITIVE_INFINITY), {});
      if (missingDependencies(scan, clocks)) {
        this.metrics.replicationUnloadedUpdates.inc({ result: 'missing' });
        return 'missing';
      }
    }
    const known = scan.deletes.length === 0 && scan.clients.every((range) => range.end <= (stateVector.get(range.client) ?? 0));
    if (known) {
      this.metrics.replicationUnloadedUpdates.inc({ result: 'duplicate' });
      return 'duplicate';
    }
    this.append(room, update, stateVector, scan, edit);
    this.metrics.replicationUnloadedUpdates.inc({ result: 'stored' });
    return 'stored';
  }

  private buildsOnSeed(scan: ScannedUpdate): boolean {
    for (let i = 0; i < scan.refs.length; i += 2) if (scan.refs[i] === SEED_CLIENT_ID) return true;
    return false;
  }

  private append(room: string, update: Uint8Array, stateVector: Map<number, number>, scan: ScannedUpdate, edit: EditInfo): void {
    this.queued.push({ room, update, at: edit.at ?? Date.now(), author: edit.author ?? null, quiet: edit.quiet ?? false });
    for (const range of scan.clients) {
      if (range.end > (stateVector.get(range.client) ?? 0)) stateVector.set(range.client, range.end);
    }
    this.digests.delete(room);
    const length = (this.logLengths.get(room) ?? this.storage.logLength(room)) + 1;
    this.logLengths.set(room, length);
    if (length >= this.options.compactAfterUpdates) this.toCompact.add(room);
    if (!this.retry) this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Commits every queued update (one transaction). False if storage failed (kept queued, retried). */
  flush(): boolean {
    if (this.scheduled) clearImmediate(this.scheduled);
    if (this.retry) clearTimeout(this.retry);
    this.scheduled = null;
    this.retry = null;
    if (this.queued.length === 0) return true;
    const entries = this.queued;
    try {
      this.storage.append(entries);
    } catch (error) {
      this.metrics.storageErrors.inc();
      this.log.error({ err: error, updates: entries.length }, 'storing other relays’ updates failed; will retry');
      this.retry = setTimeout(() => this.flush(), 1_000);
      return false;
    }
    this.queued = [];
    this.metrics.storageCommits.inc();
    this.metrics.updatesPersisted.inc(entries.length);
    return true;
  }

  /** Updates queued for `room` and not yet committed (a room being loaded applies them: its load did not see them). */
  queuedFor(room: string): Uint8Array[] {
    return this.queued.filter((entry) => entry.room === room).map((entry) => entry.update);
  }

  /** The document's stored state vector, cached (read from the store on a miss). */
  stateVector(room: string): Map<number, number> {
    let stateVector = this.stateVectors.get(room);
    if (stateVector) {
      lruSet(this.stateVectors, room, stateVector, MAX_CACHED_STATE_VECTORS);
      return stateVector;
    }
    const state = this.storedState(room);
    stateVector = state ? Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)) : new Map();
    lruSet(this.stateVectors, room, stateVector, MAX_CACHED_STATE_VECTORS);
    return stateVector;
  }

  /** Everything stored for the document as one update (queued updates committed first); null if nothing. */
  storedState(room: string): Uint8Array | null {
    this.flush();
    const stored = this.storage.load(room);
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    if (parts.length === 0) return null;
    return mergeAll(parts);
  }

  /** The stored document's exact state vector and delete-set digest (loaded briefly on a cache miss); null if nothing is stored. */
  digest(room: string): RoomDigest | null {
    const cached = this.digests.get(room);
    if (cached) return cached;
    const doc = this.loadBriefly(room);
    if (!doc) return null;
    const digest = { stateVector: Y.encodeStateVector(doc), deleteDigest: deleteSetDigest(doc) };
    doc.destroy();
    lruSet(this.digests, room, digest, MAX_CACHED_DIGESTS);
    return digest;
  }

  private loadBriefly(room: string): Y.Doc | null {
    const state = this.storedState(room);
    if (!state) return null;
    const doc = new Y.Doc({ gc: true });
    Y.applyUpdate(doc, state);
    return doc;
  }

  /** The room was loaded: the room is the truth now; forget what is cached. */
  loaded(room: string): void {
    this.stateVectors.delete(room);
    this.digests.delete(room);
    this.logLengths.delete(room);
    this.toCompact.delete(room);
  }

  /** The room was stored (compacted) and unloaded: its state vector is known without reading the store. */
  unloaded(room: string, stateVector: Uint8Array): void {
    lruSet(this.stateVectors, room, Y.decodeStateVector(stateVector), MAX_CACHED_STATE_VECTORS);
    this.digests.delete(room);
    this.logLengths.delete(room);
  }

  private compactSome(): void {
    const room = this.toCompact.values().next().value;
    if (room === undefined) return;
    this.toCompact.delete(room);
    if (this.options.isLoaded(room)) return; // the room compacts itself
    try {
      const doc = this.loadBriefly(room);
      if (!doc) return;
      this.storage.compact(room, Y.encodeStateAsUpdate(doc));
      doc.destroy();
      this.logLengths.set(room, 0);
      this.metrics.compactions.inc();
    } catch (error) {
      this.log.error({ err: error, room }, 'compaction of a replicated document failed');
    }
  }

  close(): void {
    clearInterval(this.compactor);
    this.flush();
  }
}
