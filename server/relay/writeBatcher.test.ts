/**
 * WriteBatcher with a storage that syncs apart (SQLite: commit without fsync,
 * fsync on the thread pool): acks wait for the fsync, and say only what the
 * commit held; one fsync at a time covers every commit made while the previous
 * ran (group commit); a failed fsync acks nothing and is retried; a commit put
 * off because the storage thread holds the write lock (StorageBusy) is retried
 * a millisecond later, keeps everything queued, and is not an error, unless it
 * lasts seconds (then it is said once).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log';
import { createMetrics } from '../metrics';
import { StorageBusy, type AppendEntry, type Storage } from '../storage/storage';
import type { CommitPoint, Room } from './room';
import { WriteBatcher } from './writeBatcher';

/** A storage whose fsyncs wait until the test finishes them. */
function syncingStorage() {
  const committed: AppendEntry[][] = [];
  const syncs: Array<(error: Error | null) => void> = [];
  const storage: Storage = {
    load: () => ({ snapshot: null, updates: [] }),
    append: () => {
      throw new Error('the batcher must use appendUnsynced when the storage can sync');
    },
    appendUnsynced: (entries) => void committed.push([...entries]),
    sync: (done) => void syncs.push(done),
    compact: () => {},
    loadLog: () => [],
    logLength: () => 0,
    close: () => {},
  };
  return { storage, committed, syncs };
}

/** A stand-in room whose commit point the test sets. */
function fakeRoom(name: string): Room & { point: CommitPoint | null } {
  const room = { name, point: null as CommitPoint | null, commitPoint: () => room.point };
  return room as unknown as Room & { point: CommitPoint | null };
}

const point = (frames: number): CommitPoint => ({ frames: new Map([[{} as never, frames]]), stateVector: Uint8Array.of(0) });

afterEach(() => vi.useRealTimers());

describe('write batcher with deferred fsync', () => {
  it('W1: nothing is acked before the fsync returns; the ack says what the commit held, not what came during the fsync', () => {
    const { storage, committed, syncs } = syncingStorage();
    const acked: Array<[string, number, CommitPoint | null | undefined]> = [];
    const batcher = new WriteBatcher(storage, createMetrics(), createLogger('silent'), (room, appended, p) => acked.push([room.name, appended, p]));
    const room = fakeRoom('a');
    room.point = point(1);
    batcher.enqueue(room, Uint8Array.of(1));
    expect(batcher.flush()).toBe(true);
    expect(committed).toHaveLength(1);
    expect(syncs).toHaveLength(1);
    expect(acked).toEqual([]);
    room.point = point(2); // a frame arrived during the fsync
    syncs[0](null);
    expect(acked).toEqual([['a', 1, point(1)]]);
  });

  it('W2: one fsync at a time: commits made while it runs share the next one', () => {
    const { storage, committed, syncs } = syncingStorage();
    const acked: string[] = [];
    const batcher = new WriteBatcher(storage, createMetrics(), createLogger('silent'), (room) => acked.push(room.name));
    const [a, b, c] = [fakeRoom('a'), fakeRoom('b'), fakeRoom('c')];
    batcher.enqueue(a, Uint8Array.of(1));
    batcher.flush();
    batcher.enqueue(b, Uint8Array.of(2));
    batcher.flush();
    batcher.enqueue(c, Uint8Array.of(3));
    batcher.flush();
    expect(committed).toHaveLength(3);
    expect(syncs).toHaveLength(1);
    syncs[0](null);
    expect(acked).toEqual(['a']);
    expect(syncs).toHaveLength(2);
    syncs[1](null);
    expect(acked).toEqual(['a', 'b', 'c']);
  });

  it('W3: a failed fsync acks nothing and is retried', () => {
    vi.useFakeTimers();
    const { storage, syncs } = syncingStorage();
    const acked: string[] = [];
    const batcher = new WriteBatcher(storage, createMetrics(), createLogger('silent'), (room) => acked.push(room.name));
    batcher.enqueue(fakeRoom('a'), Uint8Array.of(1));
    batcher.flush();
    syncs[0](new Error('EIO'));
    expect(acked).toEqual([]);
    expect(syncs).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(syncs).toHaveLength(2);
    syncs[1](null);
    expect(acked).toEqual(['a']);
  });

  it('W4: a commit refused while the storage thread writes (StorageBusy) is retried at the next turn with everything queued since', async () => {
    vi.useFakeTimers();
    const { storage, committed, syncs } = syncingStorage();
    const commit = storage.appendUnsynced!;
    let busy = true;
    storage.appendUnsynced = (entries) => {
      if (busy) throw new StorageBusy();
      commit(entries);
    };
    const metrics = createMetrics();
    const acked: string[] = [];
    const batcher = new WriteBatcher(storage, metrics, createLogger('silent'), (room) => acked.push(room.name));
    batcher.enqueue(fakeRoom('a'), Uint8Array.of(1));
    expect(batcher.flush()).toBe(false);
    batcher.enqueue(fakeRoom('b'), Uint8Array.of(2)); // arrives while it waits
    busy = false;
    vi.advanceTimersByTime(0);
    expect(committed.map((entries) => entries.map((entry) => entry.room))).toEqual([['a', 'b']]);
    syncs[0](null);
    expect(acked).toEqual(['a', 'b']);
    expect((await metrics.storageErrors.get()).values[0].value).toBe(0);
    expect((await metrics.storageBusy.get()).values[0].value).toBe(1);
  });

  it('W5: refused for 5 s on end (someone else holds the database), it says so once, and goes on retrying', () => {
    vi.useFakeTimers();
    const { storage, committed } = syncingStorage();
    const commit = storage.appendUnsynced!;
    let busy = true;
    storage.appendUnsynced = (entries) => {
      if (busy) throw new StorageBusy();
      commit(entries);
    };
    const errors: string[] = [];
    const log = { ...createLogger('silent'), error: (_: unknown, message: string) => void errors.push(message) } as unknown as ReturnType<typeof createLogger>;
    const batcher = new WriteBatcher(storage, createMetrics(), log, () => {});
    batcher.enqueue(fakeRoom('a'), Uint8Array.of(1));
    batcher.flush();
    vi.advanceTimersByTime(4_900);
    expect(errors).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/write lock/);
    busy = false;
    vi.advanceTimersByTime(1);
    expect(committed).toHaveLength(1);
  });
});
