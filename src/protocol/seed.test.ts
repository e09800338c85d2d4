/**
 * The seed's precomputed bytes (seed.ts) are exactly what the editor's binding
 * writes for a new document's body under the seed's client id. The relay
 * stores and serves these bytes without loading @slate-yjs/core; a tab that
 * opens a new document offline writes them too, so if they drifted from what
 * the editor would write, nothing else would notice until documents split.
 */
import { slateNodesToInsertDelta, yTextToSlateElement } from '@slate-yjs/core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT, NEW_DOCUMENT_BODY, SEED_CLIENT_ID } from './document';
import { isSeeded, seedClientOf, seedUpdate } from './seed';

function regenerate(): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = SEED_CLIENT_ID;
  doc.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(NEW_DOCUMENT_BODY), { sanitize: false });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

describe('the seed', () => {
  it('is the update @slate-yjs/core writes for NEW_DOCUMENT_BODY under SEED_CLIENT_ID, byte for byte', () => {
    expect(Array.from(seedUpdate())).toEqual(Array.from(regenerate()));
  });

  it('reads back as the new document body, and two seeds make one paragraph', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, seedUpdate());
    Y.applyUpdate(doc, seedUpdate());
    expect(yTextToSlateElement(doc.get(CONTENT_ROOT, Y.XmlText)).children).toEqual(NEW_DOCUMENT_BODY);
    expect(seedClientOf(doc)).toBe(SEED_CLIENT_ID);
    expect(isSeeded(new Y.Doc())).toBe(false);
  });
});
