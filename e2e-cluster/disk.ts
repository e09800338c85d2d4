/**
 * What a relay has on disk: a document read straight from its SQLite file
 * (read-only, while the relay runs: WAL lets a reader in beside the writer),
 * never through the relay, so "on B's disk" means exactly that.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../src/protocol/document';

export function storedDocument(dataDir: string, room: string): Y.Doc {
  const doc = new Y.Doc();
  const file = join(dataDir, 'concord.sqlite');
  if (!existsSync(file)) return doc;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const snapshot = db.prepare<[string], { state: Buffer }>('SELECT state FROM snapshots WHERE room = ?').get(room);
    const parts = db.prepare<[string], { data: Buffer }>('SELECT data FROM updates WHERE room = ? ORDER BY seq').all(room).map((row) => row.data);
    if (snapshot) Y.applyUpdate(doc, snapshot.state);
    for (const part of parts) Y.applyUpdate(doc, part);
  } finally {
    db.close();
  }
  return doc;
}

/** The title text of a document as stored on a relay's disk. */
export function storedTitle(dataDir: string, room: string): string {
  const doc = storedDocument(dataDir, room);
  const text = doc.getText('title').toString();
  doc.destroy();
  return text;
}

/** The body of a document as stored on a relay's disk, as Yjs' XML text (the words are in it). */
export function storedBody(dataDir: string, room: string): string {
  const doc = storedDocument(dataDir, room);
  const text = doc.get(CONTENT_ROOT, Y.XmlText).toString();
  doc.destroy();
  return text;
}
