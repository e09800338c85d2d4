/**
 * What the relay keeps about classrooms, in the `classrooms` and
 * `classroom_members` tables of concord.sqlite: which rooms are classrooms,
 * whether each is partitioned (and since when, from which state vector), which
 * group each student is in, and the last heal's report. Every change is
 * committed before the relay acts on it, so a relay restarted mid-partition
 * routes every student back to the same group's leader.
 *
 * The teacher key is HMAC-SHA256 of the room and the word "teacher" under the
 * relay's secret (server/access/secret.ts): nothing to store, and a student's
 * edit or view key (same secret, other words) is never a teacher key.
 */
import Database from 'better-sqlite3';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Group, HealReport } from '../../src/protocol/classroom';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS classrooms (
    room                TEXT PRIMARY KEY,
    created_at          INTEGER NOT NULL,
    epoch               INTEGER NOT NULL DEFAULT 0,
    partitioned         INTEGER NOT NULL DEFAULT 0,
    partitioned_at      INTEGER,
    split_state_vector  BLOB,
    last_heal           TEXT
  ) STRICT;
  CREATE TABLE IF NOT EXISTS classroom_members (
    room     TEXT NOT NULL,
    epoch    INTEGER NOT NULL,
    student  TEXT NOT NULL,
    grp      TEXT NOT NULL CHECK (grp IN ('A', 'B')),
    PRIMARY KEY (room, epoch, student)
  ) STRICT;
`;

export interface ClassroomRecord {
  room: string;
  /** Partitions started so far; the current one while partitioned. */
  epoch: number;
  partitioned: boolean;
  partitionedAt: number | null;
  /** The room's Yjs state vector when the current (or last) partition started. */
  splitStateVector: Uint8Array | null;
  /** Group of each student in the current partition (empty when not partitioned). */
  members: Map<string, Group>;
  lastHeal: HealReport | null;
}

interface Row {
  room: string;
  epoch: number;
  partitioned: number;
  partitioned_at: number | null;
  split_state_vector: Buffer | null;
  last_heal: string | null;
}

export class ClassroomStore {
  private readonly db: Database.Database;
  /** Which rooms are classrooms, read once at start (every upgrade asks; most rooms are not). */
  private readonly classrooms = new Set<string>();
  /** Loaded records (a classroom is read from SQLite once, then kept in step with it). */
  private readonly cache = new Map<string, ClassroomRecord>();

  constructor(
    databaseFile: string,
    private readonly secret: Buffer,
  ) {
    if (databaseFile !== ':memory:') mkdirSync(dirname(databaseFile), { recursive: true });
    this.db = new Database(databaseFile);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    for (const row of this.db.prepare<[], { room: string }>('SELECT room FROM classrooms').all()) this.classrooms.add(row.room);
  }

  /** The teacher key of `room` (base64url, 43 characters). */
  teacherKey(room: string): string {
    return createHmac('sha256', this.secret).update(`${room}\nteacher`).digest('base64url');
  }

  /** True if `key` is the teacher key of the classroom `room` (false for any other room, or no key). */
  isTeacher(room: string, key: string | null | undefined): boolean {
    if (typeof key !== 'string' || key === '' || !this.get(room)) return false;
    const given = Buffer.from(key);
    const expected = Buffer.from(this.teacherKey(room));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  create(room: string, now = Date.now()): void {
    this.db.prepare('INSERT OR IGNORE INTO classrooms (room, created_at) VALUES (?, ?)').run(room, now);
    this.classrooms.add(room);
    this.cache.delete(room);
  }

  /** The classroom, or null if `room` is not one. */
  get(room: string): ClassroomRecord | null {
    if (!this.classrooms.has(room)) return null;
    const cached = this.cache.get(room);
    if (cached) return cached;
    const row = this.db.prepare<[string], Row>('SELECT * FROM classrooms WHERE room = ?').get(room);
    let record: ClassroomRecord | null = null;
    if (row) {
      const members = new Map<string, Group>();
      if (row.partitioned) {
        const rows = this.db
          .prepare<[string, number], { student: string; grp: Group }>('SELECT student, grp FROM classroom_members WHERE room = ? AND epoch = ?')
          .all(room, row.epoch);
        for (const member of rows) members.set(member.student, member.grp);
      }
      record = {
        room,
        epoch: row.epoch,
        partitioned: row.partitioned === 1,
        partitionedAt: row.partitioned_at,
        splitStateVector: row.split_state_vector ? new Uint8Array(row.split_state_vector) : null,
        members,
        lastHeal: row.last_heal ? (JSON.parse(row.last_heal) as HealReport) : null,
      };
    }
    if (record) this.cache.set(room, record);
    return record;
  }

  /** Starts partition number `epoch` with these groups, in one transaction. */
  startPartition(room: string, epoch: number, splitStateVector: Uint8Array, members: Map<string, Group>, now = Date.now()): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE classrooms SET epoch = ?, partitioned = 1, partitioned_at = ?, split_state_vector = ? WHERE room = ?')
        .run(epoch, now, splitStateVector, room);
      const insert = this.db.prepare('INSERT OR REPLACE INTO classroom_members (room, epoch, student, grp) VALUES (?, ?, ?, ?)');
      for (const [student, group] of members) insert.run(room, epoch, student, group);
    })();
    this.cache.delete(room);
  }

  /** Puts a student in a group of the current partition (a late joiner, or a move), durably. */
  setMember(room: string, student: string, group: Group): void {
    const record = this.get(room);
    if (!record?.partitioned) throw new Error(`${room} is not partitioned`);
    this.db.prepare('INSERT OR REPLACE INTO classroom_members (room, epoch, student, grp) VALUES (?, ?, ?, ?)').run(room, record.epoch, student, group);
    record.members.set(student, group);
  }

  /** Ends the partition with its report. */
  endPartition(room: string, report: HealReport): void {
    this.db.prepare('UPDATE classrooms SET partitioned = 0, last_heal = ? WHERE room = ?').run(JSON.stringify(report), room);
    this.cache.delete(room);
  }

  close(): void {
    this.db.close();
  }
}
