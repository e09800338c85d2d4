/**
 * The seed of a new document, as a Yjs update. It is deterministic — authored
 * by SEED_CLIENT_ID with fixed content — so applying it twice, or on two
 * relays, or on a relay and an offline tab, yields one paragraph, never two.
 *
 * The bytes are precomputed, so that the relay needs no editor code
 * (@slate-yjs/core) to seed a document: they are what @slate-yjs/core writes
 * for NEW_DOCUMENT_BODY under SEED_CLIENT_ID. seed.test.ts regenerates them
 * that way and compares, so a change of the body, the client id or the
 * library's encoding fails there rather than splitting new documents in two.
 */
import type * as Y from 'yjs';
import { LEGACY_SEED_CLIENT_ID, SEED_CLIENT_ID } from './document';

/**
 * Yjs update v1 (lib0 varuints), 45 bytes:
 * - `01` one client; `02` two structs; `80 e9 9e d7 0e` client SEED_CLIENT_ID; `00` from clock 0;
 * - struct 1, `07`: a shared type under the root key `07 "content"` (CONTENT_ROOT), of type `06`
 *   (Y.XmlText): the paragraph element, as @slate-yjs/core represents one;
 * - struct 2, `28`: a map entry (`20`) of JSON-like content (`08`) whose parent is struct 1
 *   (`00`, client, clock `00`), key `04 "type"`, value `01 77 09 "paragraph"`: its `type` attribute;
 * - `00`: an empty delete set. The paragraph's one empty text leaf writes nothing.
 */
const SEED_UPDATE = new Uint8Array([
  0x01, 0x02, 0x80, 0xe9, 0x9e, 0xd7, 0x0e, 0x00, 0x07, 0x01, 0x07, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x06, 0x28, 0x00, 0x80,
  0xe9, 0x9e, 0xd7, 0x0e, 0x00, 0x04, 0x74, 0x79, 0x70, 0x65, 0x01, 0x77, 0x09, 0x70, 0x61, 0x72, 0x61, 0x67, 0x72, 0x61, 0x70, 0x68,
  0x00,
]);

/** The seed update (one shared array: do not modify it). */
export function seedUpdate(): Uint8Array {
  return SEED_UPDATE;
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
