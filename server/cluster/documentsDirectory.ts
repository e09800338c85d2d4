/**
 * A relay's documents directory: every document its store holds, each with the
 * number of its last change, and how far this relay has caught up with each
 * peer's directory. Tables of their own in the relay's `concord.sqlite`, on a
 * connection of their own (like access and classrooms); created only when the
 * relay joins a cluster, so a single relay's file is untouched.
 *
 * - `cluster_documents(room, change)`: kept by a trigger on the storage's
 *   `updates` table, so the change number is written IN THE SAME TRANSACTION as
 *   the update (a listed change is always on disk, and nothing committed is
 *   ever missing from the directory). The change number is the update's row id
 *   (`AUTOINCREMENT`: never reused in this file). One row per document, not per
 *   update: the directory is the store's change feed, compacted.
 * - `cluster_cursors(store, change)`: for each peer's store, the change number
 *   up to which every document it listed has been compared with it and stored
 *   here. A relay that was down asks each peer only for what changed after its
 *   cursor (no full scan); a relay with a new store (empty, or its data
 *   directory deleted) has no cursors and asks for everything.
 * - `cluster_meta('store')`: this store's id, drawn when the directory is
 *   created. Peers key their cursors by it: a relay whose data directory was
 *   deleted comes back as a new store, so nobody trusts a cursor into a file
 *   that no longer exists (change numbers would be reused in the new file).
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS cluster_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS cluster_documents (room TEXT PRIMARY KEY, change INTEGER NOT NULL) STRICT;
  CREATE INDEX IF NOT EXISTS cluster_documents_by_change ON cluster_documents (change);
  CREATE TABLE IF NOT EXISTS cluster_cursors (store TEXT PRIMARY KEY, change INTEGER NOT NULL) STRICT;
`;
const TRIGGER = 'cluster_document_changed';

export interface DirectoryPage {
  entries: Array<[room: string, change: number]>;
  more: boolean;
}

export class DocumentsDirectory {
  readonly storeId: string;
  private readonly db: Database.Database;
  private readonly selectPage: Database.Statement<[number, number], { room: string; change: number }>;
  private readonly selectCursor: Database.Statement<[string], { change: number }>;
  private readonly upsertCursor: Database.Statement<[string, number]>;
  private readonly selectLast: Database.Statement<[], { change: number | null }>;

  /** `file`: the relay's concord.sqlite, after the storage has created its tables. */
  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.db.transaction(() => {
      const hasTrigger = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(TRIGGER);
      if (hasTrigger) return;
      // First time in a cluster: list what the store already holds (snapshot-only documents as change 0).
      this.db.exec(`
        INSERT OR IGNORE INTO cluster_documents (room, change) SELECT room, 0 FROM snapshots;
        INSERT OR REPLACE INTO cluster_documents (room, change) SELECT room, max(seq) FROM updates GROUP BY room;
        CREATE TRIGGER ${TRIGGER} AFTER INSERT ON updates BEGIN
          INSERT OR REPLACE INTO cluster_documents (room, change) VALUES (NEW.room, NEW.seq);
        END;
      `);
    })();
    const stored = this.db.prepare<[], { value: string }>("SELECT value FROM cluster_meta WHERE key = 'store'").get();
    this.storeId = stored?.value ?? randomBytes(8).toString('hex');
    if (!stored) this.db.prepare("INSERT INTO cluster_meta (key, value) VALUES ('store', ?)").run(this.storeId);
    this.selectPage = this.db.prepare('SELECT room, change FROM cluster_documents WHERE change > ? ORDER BY change LIMIT ?');
    this.selectCursor = this.db.prepare('SELECT change FROM cluster_cursors WHERE store = ?');
    this.upsertCursor = this.db.prepare(
      'INSERT INTO cluster_cursors (store, change) VALUES (?, ?) ON CONFLICT (store) DO UPDATE SET change = max(change, excluded.change)',
    );
    this.selectLast = this.db.prepare('SELECT max(change) AS change FROM cluster_documents');
  }

  /** Documents whose last change is after `since`, oldest change first, at most `limit`. */
  changedSince(since: number, limit: number): DirectoryPage {
    const rows = this.selectPage.all(since, limit + 1);
    const more = rows.length > limit;
    return { entries: rows.slice(0, limit).map((row) => [row.room, row.change]), more };
  }

  /** This store's last change number (-1 when it holds nothing). */
  lastChange(): number {
    return this.selectLast.get()?.change ?? -1;
  }

  /** How far this relay has caught up with a peer's store (-1: not at all). */
  cursor(store: string): number {
    return this.selectCursor.get(store)?.change ?? -1;
  }

  /** Records that every document of `store` listed up to `change` is here (never moves back). */
  advanceCursor(store: string, change: number): void {
    this.upsertCursor.run(store, change);
  }

  close(): void {
    this.db.close();
  }
}
