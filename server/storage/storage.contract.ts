/**
 * The contract every Storage adapter passes: rules S1–S5 of docs/PROTOCOL.md;
 * the tests name the rule they check.
 *
 * S1 append + load gives back the document that produced the updates.
 * S2 compaction preserves the state, empties the log, and later appends still load.
 * S3 a store closed and reopened loads the same state.
 * S4 rooms are isolated from each other.
 * S5 a batch is atomic: a batch that fails midway leaves none of its entries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Storage, StoredRoom } from './storage';

/** A document edited by a deterministic pseudo-random script; returns every update it emitted. */
export function editScript(seed: number, edits: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = seed;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const text = doc.getText('title');
  const body = (doc.get('content', Y.XmlText) as Y.XmlText);
  for (let i = 0; i < edits; i++) {
    const target = random() < 0.5 ? text : body;
    if (target.length > 0 && random() < 0.3) {
      const at = Math.floor(random() * target.length);
      target.delete(at, Math.min(3, target.length - at));
    } else {
      target.insert(Math.floor(random() * (target.length + 1)), `w${i} `);
    }
  }
  return { doc, updates };
}

export function docFromStored(stored: StoredRoom): Y.Doc {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

export function expectSameDocument(actual: Y.Doc, expected: Y.Doc): void {
  expect(actual.getText('title').toString()).toBe(expected.getText('title').toString());
  expect(actual.get('content', Y.XmlText).toString()).toBe(expected.get('content', Y.XmlText).toString());
  expect(Y.encodeStateVector(actual)).toEqual(Y.encodeStateVector(expected));
}

export function describeStorageContract(name: string, open: (file: string) => Storage): void {
  describe(`Storage contract: ${name}`, () => {
    let dir: string;
    let file: string;
    let storage: Storage;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'concord-storage-'));
      file = join(dir, 'concord.sqlite');
      storage = open(file);
    });
    afterEach(() => {
      try {
        storage.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('S1: append + load equals the original state', () => {
      const { doc, updates } = editScript(7, 300);
      for (let i = 0; i < updates.length; i += 25) {
        storage.append(updates.slice(i, i + 25).map((update) => ({ room: 'r1', update })));
      }
      const stored = storage.load('r1');
      expect(stored.updates).toHaveLength(updates.length);
      expectSameDocument(docFromStored(stored), doc);
    });

    it('S1: an unknown room loads empty', () => {
      expect(storage.load('nobody')).toEqual({ snapshot: null, updates: [] });
      expect(storage.logLength('nobody')).toBe(0);
    });

    it('S2: compaction preserves the state and empties the log', () => {
      const { doc, updates } = editScript(11, 200);
      storage.append(updates.slice(0, 150).map((update) => ({ room: 'r1', update })));
      const partial = docFromStored(storage.load('r1'));
      storage.compact('r1', Y.encodeStateAsUpdate(partial));
      expect(storage.logLength('r1')).toBe(0);
      storage.append(updates.slice(150).map((update) => ({ room: 'r1', update })));
      expect(storage.logLength('r1')).toBe(50);
      const stored = storage.load('r1');
      expect(stored.snapshot).not.toBeNull();
      expectSameDocument(docFromStored(stored), doc);
    });

    it('S3: a reopened store loads the same state', () => {
      const { doc, updates } = editScript(13, 120);
      storage.append(updates.map((update) => ({ room: 'r1', update })));
      storage.compact('r1', Y.encodeStateAsUpdate(doc));
      storage.append([{ room: 'r1', update: updates[0] }]);
      storage.close();
      storage = open(file);
      expectSameDocument(docFromStored(storage.load('r1')), doc);
    });

    it('S4: rooms are isolated', () => {
      const a = editScript(17, 40);
      const b = editScript(19, 40);
      storage.append([
        ...a.updates.map((update) => ({ room: 'a', update })),
        ...b.updates.map((update) => ({ room: 'b', update })),
      ]);
      storage.compact('a', Y.encodeStateAsUpdate(a.doc));
      expectSameDocument(docFromStored(storage.load('a')), a.doc);
      expectSameDocument(docFromStored(storage.load('b')), b.doc);
      expect(storage.logLength('b')).toBe(40);
    });

    it('S5: a batch that fails midway leaves none of its entries', () => {
      const { updates } = editScript(23, 10);
      storage.append(updates.slice(0, 5).map((update) => ({ room: 'r1', update })));
      const broken = [
        ...updates.slice(5).map((update) => ({ room: 'r1', update })),
        { room: 'r1', update: null as unknown as Uint8Array },
      ];
      expect(() => storage.append(broken)).toThrow();
      expect(storage.load('r1').updates).toHaveLength(5);
    });
  });
}
