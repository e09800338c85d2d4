/**
 * Who may do what in a room. Documents are open by default: anyone with
 * `/d/<room>` edits. A document created protected (`POST /api/docs` with
 * `{"protected": true}`) needs a key: the edit key makes an editor, the view
 * key a viewer. Keys are HMAC-SHA256(secret, room + role), so the relay stores
 * no keys, only which rooms are protected (a SQLite table, so a room created
 * protected stays protected across restarts) and one secret (secret.ts).
 */
import Database from 'better-sqlite3';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Role } from '../../src/protocol/constants';

/** The outcome of checking a key: the HTTP status to answer and, with 200, the role. */
export type AccessDecision =
  | { status: 200; protected: boolean; role: Role }
  | { status: 401; protected: true; role: null; error: string }
  | { status: 403; protected: true; role: null; error: string };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS protected_rooms (
    room       TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
  ) STRICT;
`;

export class Access {
  private readonly db: Database.Database;
  private readonly protectedRooms = new Set<string>();
  private readonly insert: Database.Statement<[string, number]>;

  constructor(
    databaseFile: string,
    private readonly secret: Buffer,
  ) {
    mkdirSync(dirname(databaseFile), { recursive: true });
    this.db = new Database(databaseFile);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    for (const row of this.db.prepare<[], { room: string }>('SELECT room FROM protected_rooms').all()) {
      this.protectedRooms.add(row.room);
    }
    this.insert = this.db.prepare('INSERT OR IGNORE INTO protected_rooms (room, created_at) VALUES (?, ?)');
  }

  isProtected(room: string): boolean {
    return this.protectedRooms.has(room);
  }

  /** Marks `room` protected, durably (committed before this returns). */
  protect(room: string): void {
    this.insert.run(room, Date.now());
    this.protectedRooms.add(room);
  }

  /** The share key granting `role` on `room` (base64url, 43 characters). */
  keyFor(room: string, role: Role): string {
    return createHmac('sha256', this.secret).update(`${room}\n${role}`).digest('base64url');
  }

  /** What `key` (from `?key=`, possibly absent) grants on `room`. */
  decide(room: string, key: string | null): AccessDecision {
    if (!this.isProtected(room)) return { status: 200, protected: false, role: Role.editor };
    if (!key) return { status: 401, protected: true, role: null, error: 'This document is protected: open it with its edit or view link.' };
    if (sameKey(key, this.keyFor(room, Role.editor))) return { status: 200, protected: true, role: Role.editor };
    if (sameKey(key, this.keyFor(room, Role.viewer))) return { status: 200, protected: true, role: Role.viewer };
    return { status: 403, protected: true, role: null, error: 'This link\'s key does not open this document: ask for its edit or view link again.' };
  }

  close(): void {
    this.db.close();
  }
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}


