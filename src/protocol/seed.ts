/**
 * The seed of a new document, as a Yjs update. It is deterministic — authored
 * by SEED_CLIENT_ID with fixed content — so applying it twice, or on two
 * relays, or on a relay and an offline tab, yields one paragraph, never two.
 */
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import * as Y from 'yjs';
import { CONTENT_ROOT, NEW_DOCUMENT_BODY, SEED_CLIENT_ID } from './document';

let cached: Uint8Array | null = null;

export function seedUpdate(): Uint8Array {
  if (cached) return cached;
  const doc = new Y.Doc();
  doc.clientID = SEED_CLIENT_ID;
  doc.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(NEW_DOCUMENT_BODY), { sanitize: false });
  cached = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return cached;
}

/** True when the document already holds the seed (or a copy of it). */
export function isSeeded(doc: Y.Doc): boolean {
  return doc.store.clients.has(SEED_CLIENT_ID);
}
