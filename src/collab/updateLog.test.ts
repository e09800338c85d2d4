import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UpdateLog } from './updateLog';

/** A doc whose every update is logged as 'in', as the replica logs what the relay sends. */
function loggedDoc(): { doc: Y.Doc; log: UpdateLog } {
  const doc = new Y.Doc();
  const log = new UpdateLog();
  doc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => log.add('in', update, transaction, false));
  return { doc, log };
}

function writer(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

describe('UpdateLog', () => {
  it('names every writer whose edits an update carries, and its size', () => {
    const alice = writer('hello');
    const bob = writer('world');
    const both = Y.mergeUpdates([Y.encodeStateAsUpdate(alice), Y.encodeStateAsUpdate(bob)]);
    const { doc, log } = loggedDoc();
    Y.applyUpdate(doc, both, 'relay');
    const [entry] = log.recent;
    expect(entry.clients.sort()).toEqual([alice.clientID, bob.clientID].sort());
    expect(entry.bytes).toBe(Y.encodeStateAsUpdate(doc).byteLength);
  });

  it('names nobody for a delete-only update, and only the new writer after that', () => {
    const alice = writer('hello');
    const { doc, log } = loggedDoc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(alice));
    const before = Y.encodeStateVector(alice);
    alice.getText('t').delete(0, 2);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(alice, before));
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(doc));
    const beforeBob = Y.encodeStateVector(bob);
    bob.getText('t').insert(0, '!');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(bob, beforeBob));
    expect(log.recent.map((entry) => entry.clients)).toEqual([[alice.clientID], [], [bob.clientID]]);
  });
});
