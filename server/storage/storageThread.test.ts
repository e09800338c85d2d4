/**
 * Compaction with the history fold planned on the storage thread
 * (`compactInBackground`, server/storage/storageThread.ts), against real
 * SQLite files and a real worker thread:
 *
 * BC1 it stores the same document and the same history as compaction in place;
 * BC2 updates appended while it plans stay in the log, load, and are folded next time;
 * BC3 if the log was compacted in place meanwhile (a room unloaded), it writes
 *     nothing and reports 0: no version is written twice, nothing is lost;
 * BC4 it reads and writes on the thread's own connection: it is done while the
 *     relay's event loop is busy (here: blocked) the whole time;
 * BC5 loads skip the entries it folded at once; the thread deletes them from the file after;
 * BC6 that deletion is 256 entries per transaction (no long hold of the write lock);
 * BC7 folded entries a stop left in the file are skipped, and deleted at the next open;
 * BC8 the deletion waits while the relay commits (unless too many wait).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LogTrimmer, TRIM_BACKLOG, TRIM_WHEN_QUIET_MS } from './compactionIO';
import { openSqliteStorage, type SqliteStorage } from './sqlite';
import { docFromStored } from './storage.contract';

const ROOM = 'notes';
const PAUSE = 60_000; // longer than a version's pause: each burst of typing is a version of its own

let dir: string;
const opened: SqliteStorage[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-bgcompact-'));
});
afterEach(() => {
  for (const storage of opened.splice(0)) storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(name: string): SqliteStorage {
  const storage = openSqliteStorage(join(dir, `${name}.sqlite`));
  opened.push(storage);
  return storage;
}

type Entry = { update: Uint8Array; at: number; author: number };

/** Two writers typing in turns, with pauses: a log that folds into several versions with two authors. */
class Typists {
  private readonly docs = [new Y.Doc(), new Y.Doc()];
  private burst = 0;
  private at = 1_700_000_000_000;
  constructor() {
    this.docs[0].clientID = 101;
    this.docs[1].clientID = 202;
  }
  /** `count` bursts of ten words, each by the other writer after a pause. */
  bursts(count: number): Entry[] {
    const entries: Entry[] = [];
    for (const end = this.burst + count; this.burst < end; this.burst++) {
      const doc = this.docs[this.burst % 2];
      for (const other of this.docs) if (other !== doc) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
      this.at += PAUSE;
      for (let i = 0; i < 10; i++) {
        let update: Uint8Array | null = null;
        doc.once('update', (u: Uint8Array) => (update = u));
        doc.getText('t').insert(doc.getText('t').length, `${this.burst}.${i} `);
        entries.push({ update: update!, at: this.at + i * 100, author: doc.clientID });
      }
    }
    return entries;
  }
}

/** Appends `entries` to the room's log, in one transaction. */
function appendTo(storage: SqliteStorage, entries: Entry[]): void {
  storage.append(entries.map((entry) => ({ room: ROOM, ...entry })));
}

function typedLog(bursts: number): Entry[] {
  return new Typists().bursts(bursts);
}

function stateOf(storage: SqliteStorage): string {
  return docFromStored(storage.load(ROOM)).getText('t').toString();
}

function compactInBackground(storage: SqliteStorage): Promise<number> {
  return new Promise((resolve, reject) => storage.compactInBackground!(ROOM, (error, folded) => (error ? reject(error) : resolve(folded))));
}

function stateFrom(entries: Array<{ update: Uint8Array }>): Uint8Array {
  return Y.mergeUpdates(entries.map((entry) => entry.update));
}

/** Each version with the text of the document as it was then (versions 1..n applied). */
function versionsOf(storage: SqliteStorage) {
  const doc = new Y.Doc();
  return storage.history.read(ROOM)!.versions.map(({ n, authors, edits, startedAt, endedAt, update }) => {
    Y.applyUpdate(doc, update);
    return { n, authors, edits, startedAt, endedAt, text: doc.getText('t').toString() };
  });
}

it('BC1: stores the same document and history as compaction in place', async () => {
  const log = typedLog(6);
  const inPlace = open('in-place');
  const background = open('background');
  for (const storage of [inPlace, background]) appendTo(storage, log);
  inPlace.compact(ROOM, stateFrom(log));
  expect(await compactInBackground(background)).toBe(log.length);

  expect(background.logLength(ROOM)).toBe(0);
  expect(stateOf(background)).toBe(stateOf(inPlace));
  expect(versionsOf(background)).toEqual(versionsOf(inPlace));
  expect(versionsOf(background).length).toBe(6);
});

it('BC2: updates appended while it plans stay in the log and are folded by the next compaction', async () => {
  const typists = new Typists();
  const first = typists.bursts(3);
  const later = typists.bursts(2);
  const storage = open('racing');
  appendTo(storage, first);
  const folded = compactInBackground(storage);
  appendTo(storage, later); // before the storage thread answers
  expect(await folded).toBe(first.length);

  expect(storage.logLength(ROOM)).toBe(later.length);
  const expected = Y.mergeUpdates([...first, ...later].map((entry) => entry.update));
  const doc = new Y.Doc();
  Y.applyUpdate(doc, expected);
  expect(stateOf(storage)).toBe(doc.getText('t').toString());
  // The history sees all five bursts: three folded, two still in the log.
  expect(versionsOf(storage).map((version) => version.n)).toEqual([1, 2, 3, 4, 5]);

  expect(await compactInBackground(storage)).toBe(later.length);
  expect(storage.logLength(ROOM)).toBe(0);
  expect(versionsOf(storage).map((version) => version.text.trim().split(' ').pop())).toEqual(['0.9', '1.9', '2.9', '3.9', '4.9']);
});

it('BC3: a compaction in place meanwhile wins; the background one writes nothing', async () => {
  const log = typedLog(4);
  const storage = open('unloaded');
  appendTo(storage, log);
  const folded = compactInBackground(storage);
  storage.compact(ROOM, stateFrom(log)); // the room was unloaded: stored and compacted in place
  const afterInPlace = versionsOf(storage);
  expect(await folded).toBe(0);
  expect(versionsOf(storage)).toEqual(afterInPlace);
  expect(afterInPlace.map((version) => version.n)).toEqual([1, 2, 3, 4]);
  expect(stateOf(storage)).toBe(docFromStored({ snapshot: stateFrom(log), updates: [] }).getText('t').toString());
});


it('BC4: reads and writes on its own connection, while the event loop is blocked', () => {
  const log = typedLog(4);
  const storage = open('blocked');
  appendTo(storage, log);
  storage.compactInBackground!(ROOM, () => {});
  // Block this thread (no callback, no message from the storage thread can run) and watch the file.
  const watcher = new Database(join(dir, 'blocked.sqlite'), { readonly: true });
  const remaining = watcher.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ?');
  const snapshots = watcher.prepare<[string], { n: number }>('SELECT count(*) AS n FROM snapshots WHERE room = ?');
  const deadline = Date.now() + 10_000;
  while (remaining.get(ROOM)!.n > 0 && Date.now() < deadline) {
    // busy wait: the event loop does not turn
  }
  expect(remaining.get(ROOM)!.n).toBe(0);
  expect(snapshots.get(ROOM)!.n).toBe(1);
  watcher.close();
  expect(stateOf(storage)).toBe(docFromStored({ snapshot: stateFrom(log), updates: [] }).getText('t').toString());
});

/** Rows in the log table, folded or not (what the file holds, not what loads see). */
function rowsOf(name: string): number {
  const watcher = new Database(join(dir, `${name}.sqlite`), { readonly: true });
  try {
    return watcher.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ?').get(ROOM)!.n;
  } finally {
    watcher.close();
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

it('BC5: the entries it folded are gone from loads at once, and from the file after it', async () => {
  const typists = new Typists();
  const folded = typists.bursts(60); // 600 entries
  const later = typists.bursts(1);
  const storage = open('trimmed');
  appendTo(storage, folded);
  const done = compactInBackground(storage);
  appendTo(storage, later);
  expect(await done).toBe(600);
  expect(storage.logLength(ROOM)).toBe(later.length);
  expect(storage.load(ROOM).updates.length).toBe(later.length);
  expect(storage.loadLog(ROOM).length).toBe(later.length);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stateFrom([...folded, ...later]));
  expect(stateOf(storage)).toBe(doc.getText('t').toString());
  const deadline = Date.now() + 10_000;
  while (rowsOf('trimmed') > later.length && Date.now() < deadline) await nextTurn();
  expect(rowsOf('trimmed')).toBe(later.length);
  expect(versionsOf(storage).length).toBe(61); // sixty folded, one still in the log
});

it('BC6: the trimmer deletes 256 entries per transaction, one transaction per turn of the event loop', async () => {
  const db = new Database(join(dir, 'chunks.sqlite'));
  openSqliteStorage(join(dir, 'chunks.sqlite')).close(); // the schema
  const insert = db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)');
  for (let i = 0; i < 600; i++) insert.run(ROOM, Buffer.from([i % 256]));
  for (let i = 0; i < 5; i++) insert.run('other', Buffer.from([i]));
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ?');
  const trimmer = new LogTrimmer(db, (error) => {
    throw error;
  });
  trimmer.trim(ROOM, 550, 550);
  const seen = [count.get(ROOM)!.n];
  for (let turn = 0; turn < 4; turn++) {
    await nextTurn();
    seen.push(count.get(ROOM)!.n);
  }
  expect(seen).toEqual([600, 344, 88, 50, 50]);
  expect(count.get('other')!.n).toBe(5);
  db.close();
});

it('BC8: the trimmer waits while another connection commits, and deletes once it has been quiet for 250 ms, or at once past 100,000 waiting', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
  try {
    const file = join(dir, 'busy.sqlite');
    openSqliteStorage(file).close(); // the schema
    const db = new Database(file);
    const relay = new Database(file); // another connection, committing as the relay does
    const insert = db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)');
    for (let i = 0; i < 600; i++) insert.run(ROOM, Buffer.from([i % 256]));
    const relayCommits = () => relay.prepare('INSERT INTO updates (room, data) VALUES (?, ?)').run('other', Buffer.from([1]));
    const count = () => db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ?').get(ROOM)!.n;
    const trimmer = new LogTrimmer(db, (error) => {
      throw error;
    });
    trimmer.trim(ROOM, 600, 600);
    relayCommits();
    await vi.advanceTimersByTimeAsync(0);
    expect(count()).toBe(600);
    await vi.advanceTimersByTimeAsync(TRIM_WHEN_QUIET_MS - 50);
    relayCommits();
    await vi.advanceTimersByTimeAsync(TRIM_WHEN_QUIET_MS);
    expect(count()).toBe(600); // still busy 50 ms before
    await vi.advanceTimersByTimeAsync(TRIM_WHEN_QUIET_MS);
    expect(count()).toBe(0);
    expect(trimmer.waiting).toBe(0);

    for (let i = 0; i < 300; i++) insert.run(ROOM, Buffer.from([i % 256]));
    trimmer.trim(ROOM, Number.MAX_SAFE_INTEGER, TRIM_BACKLOG); // (as if that many waited)
    relayCommits();
    await vi.advanceTimersByTimeAsync(0);
    expect(count()).toBeLessThan(300); // deleting while busy
    relay.close();
    db.close();
  } finally {
    vi.useRealTimers();
  }
});

it('BC7: folded entries a stop left in the file are skipped by loads, and deleted at the next open', async () => {
  const typists = new Typists();
  const folded = typists.bursts(30);
  const later = typists.bursts(1);
  const storage = open('stopped');
  appendTo(storage, folded);
  snapshotOverTheLog(folded);
  appendTo(storage, later);
  expect(rowsOf('stopped')).toBe(folded.length + later.length);
  expect(storage.logLength(ROOM)).toBe(later.length);
  expect(storage.loadLog(ROOM).length).toBe(later.length);
  storage.close();
  opened.splice(opened.indexOf(storage), 1);

  const reopened = open('stopped');
  expect(rowsOf('stopped')).toBe(later.length);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stateFrom([...folded, ...later]));
  expect(stateOf(reopened)).toBe(doc.getText('t').toString());
});

/** What a stop between a compaction's write and its trimming leaves: the snapshot and mark moved, the folded entries still in the file. */
function snapshotOverTheLog(folded: Entry[]): void {
  const db = new Database(join(dir, 'stopped.sqlite'));
  const upTo = db.prepare<[string], { seq: number }>('SELECT max(seq) AS seq FROM updates WHERE room = ?').get(ROOM)!.seq;
  db.prepare('INSERT INTO snapshots (room, state, updated_at, log_upto) VALUES (?, ?, ?, ?)').run(ROOM, stateFrom(folded), Date.now(), upTo);
  db.close();
}
