/**
 * The default storage: one SQLite file (better-sqlite3, WAL) under DATA_DIR.
 *
 * `synchronous = FULL` makes every commit durable against power loss as well as
 * `kill -9` (WAL with NORMAL survives a process crash but not an OS crash); the
 * relay batches all updates of an event-loop tick into one commit, so the cost
 * is one fsync per tick, not per keystroke.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppendEntry, Storage, StoredRoom } from './storage';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS snapshots (
    room       TEXT PRIMARY KEY,
    state      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS updates (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    room   TEXT NOT NULL,
    data   BLOB NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS updates_by_room ON updates (room, seq);
`;

export function openSqliteStorage(file: string): Storage {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);

  const selectSnapshot = db.prepare<[string], { state: Buffer }>('SELECT state FROM snapshots WHERE room = ?');
  const selectUpdates = db.prepare<[string], { data: Buffer }>('SELECT data FROM updates WHERE room = ? ORDER BY seq');
  const countUpdates = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ?');
  const insertUpdate = db.prepare<[string, Uint8Array]>('INSERT INTO updates (room, data) VALUES (?, ?)');
  const upsertSnapshot = db.prepare<[string, Uint8Array, number]>(
    `INSERT INTO snapshots (room, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (room) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  const deleteUpdates = db.prepare<[string]>('DELETE FROM updates WHERE room = ?');

  const appendAll = db.transaction((entries: readonly AppendEntry[]) => {
    for (const { room, update } of entries) insertUpdate.run(room, update);
  });
  const compactRoom = db.transaction((room: string, state: Uint8Array) => {
    upsertSnapshot.run(room, state, Date.now());
    deleteUpdates.run(room);
  });

  return {
    load(room: string): StoredRoom {
      const snapshot = selectSnapshot.get(room);
      return {
        snapshot: snapshot ? new Uint8Array(snapshot.state) : null,
        updates: selectUpdates.all(room).map((row) => new Uint8Array(row.data)),
      };
    },
    append(entries) {
      if (entries.length > 0) appendAll(entries);
    },
    compact(room, state) {
      compactRoom(room, state);
    },
    logLength(room) {
      return countUpdates.get(room)?.n ?? 0;
    },
    close() {
      db.close();
    },
  };
}
