/**
 * The seed of a new document, as a Yjs update. It is deterministic — authored
 * by SEED_CLIENT_ID with fixed content — so applying it twice, or on two
 * relays, or on a relay and an offline tab, yields one paragraph, never two.
 */
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import * as Y from 'yjs';
import { CONTENT_ROOT, LEGACY_SEED_CLIENT_ID, NEW_DOCUMENT_BODY, SEED_CLIENT_ID } from './document';

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

/**
 * The client id that authored this document's seed: SEED_CLIENT_ID, or
 * LEGACY_SEED_CLIENT_ID in a document seeded before it; null if not seeded.
 */
export function seedClientOf(doc: Y.Doc): number | null {
  if (doc.store.clients.has(SEED_CLIENT_ID)) return SEED_CLIENT_ID;
  if (doc.store.clients.has(LEGACY_SEED_CLIENT_ID)) return LEGACY_SEED_CLIENT_ID;
  return null;
}

/** True when the document already holds a seed (or a copy of it), current or legacy. */
export function isSeeded(doc: Y.Doc): boolean {
  return seedClientOf(doc) !== null;
}
