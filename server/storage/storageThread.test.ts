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
 *     relay's event loop is busy (here: blocked) the whole time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
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
  for (const storage of [inPlace, background]) storage.append(log.map((entry) => ({ room: ROOM, ...entry })));
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
  storage.append(first.map((entry) => ({ room: ROOM, ...entry })));
  const folded = compactInBackground(storage);
  storage.append(later.map((entry) => ({ room: ROOM, ...entry }))); // before the storage thread answers
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
  storage.append(log.map((entry) => ({ room: ROOM, ...entry })));
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
  storage.append(log.map((entry) => ({ room: ROOM, ...entry })));
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
