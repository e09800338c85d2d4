/**
 * The rooms held in memory: loaded from storage on first use, compacted when
 * their log grows, stored and unloaded when nobody has been in them for a while.
 * At most `limits.maxRoomsLoaded` are held: to make room for one more, the
 * least recently used room without sockets is stored and unloaded first.
 *
 * A loaded room's log past `compactAfterUpdates` is compacted once nothing has
 * been committed to it for COMPACT_WHEN_QUIET_MS, or at once past
 * BUSY_COMPACTION_FACTOR times as many entries. A compaction costs the
 * storage thread about as much CPU as the relay spends on the updates it folds
 * (bench/durability.ts), and the relay shares the machine's cores with it: in
 * a burst (a class typing, a paste) it is better spent after. While the room is
 * loaded its document is in memory; the log only decides how long a load after
 * a restart takes (5,000 small entries: tens of ms).
 */
import { mergeAll } from '../history/fold';
import { nullCluster, type ClusterLink, type RoomDirectory } from '../cluster/clusterLink';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { recordPresenceAuthors } from '../history/presenceAuthors';
import type { Storage } from '../storage/storage';
import type { PresenceCreated } from './presence';
import { Room } from './room';
import { WriteBatcher } from './writeBatcher';

/** How long a room with a long log must go without a commit before it is compacted. */
export const COMPACT_WHEN_QUIET_MS = 1_000;
/** Past this many times `compactAfterUpdates`, a room is compacted even while busy. */
export const BUSY_COMPACTION_FACTOR = 10;

export class Rooms implements RoomDirectory {
  private readonly rooms = new Map<string, Room>();
  private readonly batcher: WriteBatcher;
  /** Records history authors when a room's Awareness is created: one function for every room. */
  private readonly onPresence: PresenceCreated | null;
  private readonly sweeper: NodeJS.Timeout;
  /** Rooms whose compaction is running off the event loop (one at a time per room). */
  private readonly compacting = new Set<Room>();
  /** Rooms whose log is past compactAfterUpdates, with when it was last committed to (ms, monotonic). */
  private readonly dueWhenQuiet = new Map<Room, number>();
  private quietTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly config: Pick<Config, 'roomIdleUnloadMs' | 'compactAfterUpdates' | 'limits'>,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    /** The other relays (server/cluster/); by default none. */
    private readonly cluster: ClusterLink = nullCluster('local'),
  ) {
    const history = storage.history;
    // Authorship for history, once a room has presence at all (its Awareness is created on first use).
    this.onPresence = history ? (room, awareness) => recordPresenceAuthors(room, awareness, history) : null;
    this.batcher = new WriteBatcher(storage, metrics, log, (room, appended, point) => {
      // A room unloaded while its last commit's fsync ran: it was compacted (durably) and destroyed; nobody waits.
      if (this.rooms.get(room.name) !== room) return;
      try {
        room.afterCommit(appended, point);
        this.compactWhenDue(room);
      } catch (error) {
        // One room's trouble must not stop the acks of the others (or the process).
        metrics.handlerErrors.inc();
        log.error({ room: room.name, err: error }, 'error after a commit (acks, compaction)');
      }
    });
    const sweepEveryMs = Math.max(250, Math.min(10_000, Math.floor(config.roomIdleUnloadMs / 2)));
    this.sweeper = setInterval(() => this.unloadIdle(), sweepEveryMs);
    this.sweeper.unref();
  }

  get size(): number {
    return this.rooms.size;
  }

  /** The room, loaded from storage if it is not in memory. */
  open(name: string): Room {
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room(name, this.storage.load(name), this.batcher, this.log, this.metrics, this.config.limits, this.onPresence);
      this.rooms.set(name, room);
      room.bus = this.cluster.roomLoaded(room);
      this.metrics.roomsLoaded.set(this.rooms.size);
      this.log.debug({ room: name, log: room.logLength }, 'room loaded');
    }
    return room;
  }

  /**
   * Makes sure `name` can be opened without passing maxRoomsLoaded: true if it
   * is loaded or there is space, after storing and unloading the least recently
   * used room without sockets if needed; false if every loaded room has sockets.
   * (Upgrades in flight can pass the limit by their number, briefly.)
   */
  makeRoomFor(name: string): boolean {
    if (this.rooms.has(name) || this.rooms.size < this.config.limits.maxRoomsLoaded) return true;
    let leastRecent: Room | null = null;
    for (const room of this.rooms.values()) {
      if (room.idleSince !== null && (leastRecent === null || room.idleSince < leastRecent.idleSince!)) leastRecent = room;
    }
    if (!leastRecent) return false;
    this.log.info({ room: leastRecent.name, for: name }, 'least recently used room unloaded to make room');
    this.unload(leastRecent);
    return !this.rooms.has(leastRecent.name);
  }

  peek(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  /** For another relay's catch-up: a room that is not loaded, as stored, in one update (null if nothing is stored). */
  storedState(name: string): Uint8Array | null {
    const stored = this.storage.load(name);
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    if (parts.length === 0) return null;
    return mergeAll(parts);
  }

  /** Commits every queued update now (used before unloading and at shutdown). */
  flush(): boolean {
    return this.batcher.flush();
  }

  private compact(room: Room): void {
    try {
      this.storage.compact(room.name, room.encodeState());
      room.logLength = 0;
      this.metrics.compactions.inc();
    } catch (error) {
      // The log is intact; compaction is retried after the next commit.
      this.log.error({ err: error, room: room.name }, 'compaction failed');
    }
  }

  /**
   * Compaction while the room is in use: planned on the storage's thread when
   * it has one (server/storage/storageThread.ts: the history fold and the new
   * snapshot), so the relay keeps relaying meanwhile. Updates that arrive
   * during it stay in the log.
   */
  private compactSoon(room: Room): void {
    if (!this.storage.compactInBackground) return this.compact(room);
    if (this.compacting.has(room)) return;
    this.compacting.add(room);
    this.storage.compactInBackground(room.name, (error, folded) => {
      this.compacting.delete(room);
      if (this.rooms.get(room.name) !== room) return; // unloaded meanwhile: compacted in place then
      if (error) {
        // The log is intact; compaction is retried after a later commit.
        this.log.error({ err: error, room: room.name }, 'compaction failed');
        return;
      }
      if (folded === 0) return; // the log changed under it (an unload's compaction): retried after a later commit
      room.logLength = Math.max(0, room.logLength - folded);
      this.metrics.compactions.inc();
      // A burst outran it: go on as after a commit (there may be none for a while).
      this.compactWhenDue(room);
    });
  }

  /** After a commit to `room`: compacts it now if it is past the busy limit, else once it is quiet. */
  private compactWhenDue(room: Room): void {
    const { compactAfterUpdates } = this.config;
    if (room.logLength < compactAfterUpdates) return;
    if (room.logLength >= compactAfterUpdates * BUSY_COMPACTION_FACTOR) {
      this.dueWhenQuiet.delete(room);
      this.compactSoon(room);
      return;
    }
    this.dueWhenQuiet.delete(room); // (re-inserted last: the map stays in order of last commit)
    this.dueWhenQuiet.set(room, performance.now());
    this.quietTimer ??= setTimeout(() => this.compactQuietRooms(), COMPACT_WHEN_QUIET_MS).unref();
  }

  /** Compacts the due rooms that have been quiet long enough; waits for the others. */
  private compactQuietRooms(): void {
    this.quietTimer = null;
    const now = performance.now();
    for (const [room, lastCommit] of this.dueWhenQuiet) {
      const quietFor = now - lastCommit;
      if (quietFor < COMPACT_WHEN_QUIET_MS) {
        // The rest committed later still: wait for this one.
        this.quietTimer = setTimeout(() => this.compactQuietRooms(), COMPACT_WHEN_QUIET_MS - quietFor).unref();
        return;
      }
      this.dueWhenQuiet.delete(room); // (an unloaded room is not here: unload forgets it)
      this.compactSoon(room);
    }
  }

  /** Stores and unloads rooms nobody has been in for `roomIdleUnloadMs`. */
  unloadIdle(now = Date.now()): void {
    for (const room of this.rooms.values()) {
      if (room.idleSince !== null && now - room.idleSince >= this.config.roomIdleUnloadMs) this.unload(room);
    }
  }

  private unload(room: Room): void {
    if (!this.flush()) return; // storage is failing: keep the room (and its updates) in memory
    this.dueWhenQuiet.delete(room);
    if (room.logLength > 0) this.compact(room);
    this.cluster.roomUnloaded(room.name);
    room.destroy();
    this.rooms.delete(room.name);
    this.metrics.roomsLoaded.set(this.rooms.size);
  }

  /** Stores and unloads every room (shutdown). */
  closeAll(): void {
    clearInterval(this.sweeper);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    for (const room of [...this.rooms.values()]) this.unload(room);
  }
}
