/**
 * The history store against a real SQLite file: versions and authors survive
 * compaction and reopening, a document stored before history was kept starts
 * from its snapshot, retention folds old versions into the base (and drops
 * their deleted text), senders vouch for client ids nobody announced, and
 * stored carets are kept as clocks only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT, STORED_POSITION_PREFIX } from '../../src/protocol/document';
import { seedUpdate } from '../../src/protocol/seed';
import { HistoryModel, plainBlocks } from '../../src/common/history/model';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite';
import { VERSION_PAUSE_MS } from './grouping';
import { collectedStructs } from './quietUpdates';

const DAY = 86_400_000;
const ROOM = 'notes';

/** A writer with its own client id, editing one paragraph; each call returns the update of one edit. */
class Writer {
  readonly doc = new Y.Doc();
  constructor(client: number, from: Y.Doc) {
    this.doc.clientID = client;
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(from));
  }
  private capture(change: () => void): Uint8Array {
    let update: Uint8Array | null = null;
    const listen = (u: Uint8Array) => (update = u);
    this.doc.on('update', listen);
    this.doc.transact(change);
    this.doc.off('update', listen);
    return update!;
  }
  private get block(): Y.XmlText {
    return (this.doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: Y.XmlText }>)[0].insert;
  }
  type(text: string): Uint8Array {
    return this.capture(() => this.block.insert(this.block.length, text));
  }
  clear(): Uint8Array {
    return this.capture(() => this.block.delete(0, this.block.length));
  }
  caret(): Uint8Array {
    return this.capture(() => this.doc.get(CONTENT_ROOT, Y.XmlText).setAttribute(`${STORED_POSITION_PREFIX}${this.doc.clientID}`, 'somewhere'));
  }
}

function textAt(history: ReturnType<SqliteStorage['history']['read']>, version: number): string {
  const model = HistoryModel.build(history!.base, history!.versions.map((v) => v.update));
  const index = version - (history!.firstVersion - 1);
  return JSON.stringify(plainBlocks(model.render(index).blocks).map((block) => (block.children as Array<{ text: string }>).map((leaf) => leaf.text).join('')));
}

describe('history store', () => {
  let dir: string;
  let file: string;
  let now: number;
  let storage: SqliteStorage;
  let relayDoc: Y.Doc;
  const open = (retentionDays: number | null = null) => openSqliteStorage(file, { history: { retentionDays, now: () => now } });
  const append = (update: Uint8Array, author: number | null, quiet = false) => {
    Y.applyUpdate(relayDoc, update);
    storage.append([{ room: ROOM, update, at: now, author, quiet }]);
  };
  const compact = () => storage.compact(ROOM, Y.encodeStateAsUpdate(relayDoc));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'concord-history-'));
    file = join(dir, 'concord.sqlite');
    now = Date.UTC(2025, 0, 1);
    storage = open();
    relayDoc = new Y.Doc();
    append(seedUpdate(), null);
  });
  afterEach(() => {
    storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('V3: folds the log into versions at compaction; versions, times and authors survive reopening', () => {
    const alice = new Writer(101, relayDoc);
    const bob = new Writer(202, relayDoc);
    storage.history.recordAuthor(ROOM, 101, { name: 'Alice', color: '#d9480f' });
    storage.history.recordAuthor(ROOM, 202, { name: 'Bob', color: '#1971c2' });
    for (const word of ['one ', 'two ', 'three ']) {
      append(alice.type(word), 101);
      now += 200;
    }
    compact(); // mid-version: the version carries on in the next fold
    append(alice.type('four'), 101);
    now += 300;
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(relayDoc));
    append(bob.type(' five'), 202);
    compact();
    expect(storage.logLength(ROOM)).toBe(0);
    storage.close();
    storage = open();

    const history = storage.history.read(ROOM)!;
    expect(history.versions.map((v) => [v.n, v.authors, v.edits])).toEqual([
      [1, [101], 4],
      [2, [202], 1],
    ]);
    expect(history.versions[0].startedAt).toBe(Date.UTC(2025, 0, 1));
    expect(history.authors.get(101)).toEqual({ name: 'Alice', color: '#d9480f' });
    expect(textAt(history, 0)).toBe('[""]');
    expect(textAt(history, 1)).toBe('["one two three four"]');
    expect(textAt(history, 2)).toBe('["one two three four five"]');
  });

  it('V2 V3: groups the log not yet compacted the same way, continuing the last stored version', () => {
    const alice = new Writer(101, relayDoc);
    append(alice.type('a'), 101);
    compact();
    now += 100;
    append(alice.type('b'), 101);
    now += VERSION_PAUSE_MS;
    append(alice.type('c'), 101);
    const history = storage.history.read(ROOM)!;
    expect(history.versions.map((v) => [v.n, v.edits])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(textAt(history, 1)).toBe('["ab"]');
    compact();
    expect(storage.history.read(ROOM)!.versions.map((v) => [v.n, v.edits])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('V3: keeps stored carets as clocks only: no version, no author, and later text still integrates', () => {
    const alice = new Writer(101, relayDoc);
    const bob = new Writer(202, relayDoc);
    append(alice.type('x'), 101);
    now += 100;
    const caret = bob.caret(); // Bob clicks into the text while Alice types
    append(caret, 202, true);
    now += 100;
    append(alice.type('y'), 101);
    compact();
    const history = storage.history.read(ROOM)!;
    expect(history.versions.map((v) => [v.authors, v.edits])).toEqual([[[101], 2]]);
    expect(textAt(history, 1)).toBe('["xy"]');
    // Kept as the clocks it used, not as a stored position.
    expect(new TextDecoder().decode(history.versions[0].update)).not.toContain(STORED_POSITION_PREFIX);
    expect(collectedStructs(caret).length).toBeLessThan(caret.length / 3);
  });

  it('V1: a document stored before history was kept starts from its snapshot (and log entries without times)', () => {
    const legacy = new Writer(303, relayDoc);
    append(legacy.type('old text'), 303);
    compact();
    storage.close();
    // As an older relay left it: no history rows, log entries without time or author.
    const older = legacy.type(' and older');
    const db = new Database(file);
    db.exec('DELETE FROM history_rooms; DELETE FROM history_versions;');
    db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)').run(ROOM, older);
    db.close();
    Y.applyUpdate(relayDoc, older);
    storage = open();
    let history = storage.history.read(ROOM)!;
    expect(history.versions).toEqual([]);
    expect(textAt(history, 0)).toBe('["old text and older"]');
    now += 1_000;
    const writer = new Writer(404, relayDoc);
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(relayDoc));
    append(writer.type('!'), 404);
    compact();
    history = storage.history.read(ROOM)!;
    expect(history.versions.map((v) => v.n)).toEqual([1]);
    expect(textAt(history, 1)).toBe('["old text and older!"]');
  });

  it('V7: HISTORY_RETENTION_DAYS merges older versions into the base, which drops their deleted text; numbers stay', () => {
    storage.close();
    storage = open(30);
    const alice = new Writer(101, relayDoc);
    const secret = 'deleted secret '.repeat(50);
    append(alice.type(secret), 101);
    now += VERSION_PAUSE_MS;
    append(alice.clear(), 101);
    now += VERSION_PAUSE_MS;
    append(alice.type('kept'), 101);
    compact();
    expect(storage.history.read(ROOM)!.versions.map((v) => v.n)).toEqual([1, 2, 3]);
    const sizeBefore = storage.history.read(ROOM)!.versions.reduce((sum, v) => sum + v.update.length, 0);

    now += 31 * DAY;
    append(alice.type('!'), 101);
    compact(); // retention applies at each fold
    const history = storage.history.read(ROOM)!;
    expect(history.firstVersion).toBe(4);
    expect(history.versions.map((v) => v.n)).toEqual([4]);
    expect(textAt(history, 3)).toBe('["kept"]');
    expect(textAt(history, 4)).toBe('["kept!"]');
    expect(history.base!.length).toBeLessThan(sizeBefore / 4);
    expect(new TextDecoder().decode(history.base!)).not.toContain('deleted secret');
    expect(history.baseAt).toBe(Date.UTC(2025, 0, 1) + 2 * VERSION_PAUSE_MS);
  });

  it('V7: the hourly sweep prunes documents nobody edits any more', () => {
    storage.close();
    storage = open(1);
    const alice = new Writer(101, relayDoc);
    append(alice.type('a'), 101);
    compact();
    now += 2 * DAY;
    expect(storage.history.pruneExpired()).toBe(1);
    const history = storage.history.read(ROOM)!;
    expect(history.versions).toEqual([]);
    expect(history.firstVersion).toBe(2);
    expect(textAt(history, 1)).toBe('["a"]');
    expect(storage.history.pruneExpired()).toBe(0);
  });

  it('V4: credits structs under a client id nobody announced to the tab that sent them (offline edits of an earlier session)', () => {
    const earlier = new Writer(555, relayDoc);
    const offline = earlier.type('written offline');
    const later = new Writer(556, earlier.doc);
    storage.history.recordAuthor(ROOM, 556, { name: 'Carol', color: '#2f9e44' });
    append(offline, 556); // sent by the new session, whose presence is Carol
    compact();
    const history = storage.history.read(ROOM)!;
    expect(history.authors.get(555)).toEqual({ name: 'Carol', color: '#2f9e44' });
    expect(later.doc.clientID).toBe(556);
  });

  it('V6: read() of a room with nothing stored is null', () => {
    expect(storage.history.read('nothing-here')).toBeNull();
  });
});
