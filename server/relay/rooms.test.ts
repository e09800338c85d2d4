/**
 * When a loaded room's log is compacted (rooms.ts):
 *
 * RC1 past COMPACT_AFTER_UPDATES, not while updates keep coming, but once the
 *     room has been quiet for COMPACT_WHEN_QUIET_MS;
 * RC2 past BUSY_COMPACTION_FACTOR times that, at once, busy or not;
 * RC3 a room unloaded before it was quiet is not compacted again afterwards.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { createMetrics } from '../metrics';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite';
import { BUSY_COMPACTION_FACTOR, COMPACT_WHEN_QUIET_MS, Rooms } from './rooms';

const COMPACT_AFTER = 5;

let storage: SqliteStorage;
let rooms: Rooms;
/** Rooms whose compaction was started, in order. */
let compactions: string[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'performance'] });
  storage = openSqliteStorage(':memory:');
  compactions = [];
  storage.compactInBackground = (room) => void compactions.push(room); // never answers: one per room at most
  const config = loadConfig({ COMPACT_AFTER_UPDATES: String(COMPACT_AFTER), ROOM_IDLE_UNLOAD_MS: '600000' });
  rooms = new Rooms(storage, config, createMetrics(), createLogger('silent'));
});
afterEach(() => {
  rooms.closeAll();
  storage.close();
  vi.useRealTimers();
});

/** Opens `room` and lets what opening stores (the seed of a new document) commit: the log length it starts with. */
async function openRoom(room: string): Promise<number> {
  void rooms.open(room).doc; // (a new document is seeded on first use)
  await vi.advanceTimersByTimeAsync(1);
  return rooms.peek(room)!.logLength;
}

/** `count` one-character updates to `room`, each committed (a turn of the event loop each) `apartMs` after the last. */
async function type(room: string, writer: Y.Doc, count: number, apartMs: number): Promise<void> {
  const text = writer.getText('t');
  for (let i = 0; i < count; i++) {
    const before = Y.encodeStateVector(rooms.open(room).doc);
    text.insert(text.length, 'x');
    rooms.open(room).applyFromCluster(Y.encodeStateAsUpdate(writer, before), null);
    await vi.advanceTimersByTimeAsync(apartMs);
  }
}

it('RC1: a long log is compacted once the room is quiet, not while it is written to', async () => {
  const writer = new Y.Doc();
  const opened = await openRoom('busy');
  await type('busy', writer, COMPACT_AFTER + 10, COMPACT_WHEN_QUIET_MS / 4);
  expect(rooms.peek('busy')!.logLength).toBe(opened + COMPACT_AFTER + 10);
  expect(compactions).toEqual([]);
  await vi.advanceTimersByTimeAsync(COMPACT_WHEN_QUIET_MS);
  expect(compactions).toEqual(['busy']);
});

it('RC2: past ten times the limit, it is compacted while still written to', async () => {
  const writer = new Y.Doc();
  const opened = await openRoom('flood');
  await type('flood', writer, COMPACT_AFTER * BUSY_COMPACTION_FACTOR - 1 - opened, 1);
  expect(compactions).toEqual([]);
  await type('flood', writer, 1, 1);
  expect(compactions).toEqual(['flood']);
});

it('RC3: a room unloaded before it was quiet is not compacted afterwards', async () => {
  const writer = new Y.Doc();
  await type('gone', writer, COMPACT_AFTER + 1, 1);
  rooms.unloadIdle(Date.now() + 600_000); // compacted in place as it is unloaded
  await vi.advanceTimersByTimeAsync(COMPACT_WHEN_QUIET_MS * 2);
  expect(compactions).toEqual([]);
  expect(rooms.peek('gone')).toBeUndefined();
  expect(storage.logLength('gone')).toBe(0);
});
