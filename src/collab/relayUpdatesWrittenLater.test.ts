/**
 * This browser's copy of updates from the relay is written later;
 * the tab's own edits at once (R1–R3). The IndexedDB side is y-indexeddb's own
 * `_storeUpdate`, recorded here; the offline e2e specs (L2) reload from the real one.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { writeRelayUpdatesLater } from './relayUpdatesWrittenLater';

const RELAY = Symbol('relay');

function setUp() {
  const doc = new Y.Doc();
  const stored: Array<{ update: Uint8Array; origin: unknown }> = [];
  const storeUpdate = (update: Uint8Array, origin: unknown) => stored.push({ update, origin });
  doc.on('update', storeUpdate); // as IndexeddbPersistence registers it
  const local = { _storeUpdate: storeUpdate } as unknown as IndexeddbPersistence;
  const writes = writeRelayUpdatesLater(local, doc, (origin) => origin === RELAY);
  const peer = new Y.Doc();
  const fromRelay = (text: string) => {
    peer.getText('t').insert(peer.getText('t').length, text);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(doc)), RELAY);
  };
  const textOf = (updates: Uint8Array[]) => {
    const copy = new Y.Doc();
    for (const update of updates) Y.applyUpdate(copy, update);
    return copy.getText('t').toString();
  };
  return { doc, stored, writes, fromRelay, textOf };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('R1: the tab\'s own edits are written at once', () => {
  const { doc, stored } = setUp();
  doc.getText('t').insert(0, 'mine');
  expect(stored).toHaveLength(1);
});

it('R2: updates from the relay are written later, all of them', () => {
  const { stored, fromRelay, textOf } = setUp();
  fromRelay('a');
  fromRelay('b');
  fromRelay('c');
  expect(stored).toHaveLength(0); // nothing on a peer keystroke's path
  vi.advanceTimersByTime(1_000);
  expect(stored).toHaveLength(3);
  expect(textOf(stored.map((entry) => entry.update))).toBe('abc');
});

it('R3: flush (the page going away) and destroying the document write what waits', () => {
  const first = setUp();
  first.fromRelay('x');
  first.writes.flush();
  expect(first.stored).toHaveLength(1);
  const second = setUp();
  second.fromRelay('y');
  second.doc.destroy();
  expect(second.textOf(second.stored.map((entry) => entry.update))).toBe('y');
});
