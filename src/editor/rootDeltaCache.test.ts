import fc from 'fast-check';
import { slatePointToRelativePosition } from '@slate-yjs/core';
import type { Editor } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cacheRootDelta } from './rootDeltaCache';

const freshDelta = (root: Y.XmlText) => Y.XmlText.prototype.toDelta.call(root);

function block(text: string): Y.XmlText {
  const element = new Y.XmlText();
  element.setAttribute('type', 'paragraph');
  element.insert(0, text);
  return element;
}

type Step =
  | { kind: 'insertBlock'; at: number }
  | { kind: 'deleteBlock'; at: number }
  | { kind: 'typeInBlock'; at: number; text: string }
  | { kind: 'setRootAttribute'; value: number }
  | { kind: 'read' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('insertBlock' as const), at: fc.nat(20) }),
  fc.record({ kind: fc.constant('deleteBlock' as const), at: fc.nat(20) }),
  fc.record({ kind: fc.constant('typeInBlock' as const), at: fc.nat(20), text: fc.string({ minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('setRootAttribute' as const), value: fc.nat() }),
  fc.constant({ kind: 'read' as const }),
);

describe('cacheRootDelta', () => {
  it('R-DELTA1: the root delta read at any moment (inside or between transactions, local or remote) equals a fresh toDelta', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.boolean(), (transactions, remote) => {
        const source = new Y.Doc();
        const target = new Y.Doc();
        const root = target.get('content', Y.XmlText);
        cacheRootDelta(root);
        const editRoot = remote ? source.get('content', Y.XmlText) : root;
        const editDoc = remote ? source : target;
        if (remote) source.on('update', (update: Uint8Array) => Y.applyUpdate(target, update));
        const mismatches: string[] = [];
        const check = (when: string) => {
          const cached = root.toDelta();
          const fresh = freshDelta(root);
          if (cached.length !== fresh.length || cached.some((op: { insert: unknown }, i: number) => op.insert !== fresh[i].insert)) {
            mismatches.push(when);
          }
        };
        root.observeDeep(() => check('in a deep observer'));
        for (const steps of transactions) {
          editDoc.transact(() => {
            for (const s of steps) {
              const length = editRoot.length;
              if (s.kind === 'insertBlock') editRoot.insertEmbed(s.at % (length + 1), block('x'));
              else if (s.kind === 'deleteBlock' && length > 0) editRoot.delete(s.at % length, 1);
              else if (s.kind === 'typeInBlock' && length > 0) {
                const target = freshDelta(editRoot)[s.at % length].insert as Y.XmlText;
                target.insert(0, s.text);
              } else if (s.kind === 'setRootAttribute') editRoot.setAttribute('position', String(s.value));
              if (!remote) check('inside a transaction');
            }
          });
          check('after a transaction');
        }
        expect(mismatches).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('R-DELTA2: typing inside a block reuses the root delta instead of rebuilding it', () => {
    const doc = new Y.Doc();
    const root = doc.get('content', Y.XmlText);
    root.insertEmbed(0, block('one'));
    root.insertEmbed(1, block('two'));
    cacheRootDelta(root);
    const before = root.toDelta();
    (before[1].insert as Y.XmlText).insert(3, '!');
    expect(root.toDelta()).toBe(before);
    root.insertEmbed(2, block('three'));
    expect(root.toDelta()).not.toBe(before);
    expect(root.toDelta()).toHaveLength(3);
  });

  it('R-DELTA3: the cached delta is frozen, and @slate-yjs/core (patched, patches/) looks a block up in it without copying the list', () => {
    const doc = new Y.Doc();
    const root = doc.get('content', Y.XmlText);
    const blocks = 1_000;
    for (let i = 0; i < blocks; i++) root.insertEmbed(i, block(`block ${i}`));
    cacheRootDelta(root);
    expect(Object.isFrozen(root.toDelta())).toBe(true);
    // The Slate side of the same body, as @slate-yjs/core reads it (paths and text lengths only).
    const slateRoot = { children: Array.from({ length: blocks }, (_, i) => ({ type: 'paragraph', children: [{ text: `block ${i}` }] })) } as unknown as Editor;
    // Counts Array#push calls (vi.spyOn on push recurses into itself).
    const push = Array.prototype.push;
    let pushes = 0;
    Array.prototype.push = function counted(this: unknown[], ...items: unknown[]) {
      pushes++;
      return push.apply(this, items);
    };
    try {
      const position = slatePointToRelativePosition(root, slateRoot, { path: [blocks - 1, 0], offset: 2 });
      expect(Y.createAbsolutePositionFromRelativePosition(position, doc)?.index).toBe(2);
      // Unpatched, normalizeInsertDelta pushes every block into a new array: 1,000 pushes per lookup.
      expect(pushes).toBeLessThan(20);
    } finally {
      Array.prototype.push = push;
    }
  });
});
