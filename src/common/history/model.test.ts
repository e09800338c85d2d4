import { slateNodesToInsertDelta } from '@slate-yjs/core';
import type { Descendant } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../../protocol/document';
import { HistoryModel, plainBlocks, type HistoryElement } from './model';

/** Two writers taking turns; each `turn` is one version (one merged update). */
function turns(...steps: Array<(alice: Y.Doc, bob: Y.Doc) => Y.Doc>): { base: Uint8Array; versions: Uint8Array[] } {
  const alice = new Y.Doc();
  alice.clientID = 1_001;
  const bob = new Y.Doc();
  bob.clientID = 2_002;
  alice.get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta([{ type: 'paragraph', children: [{ text: '' }] }] as Descendant[]), { sanitize: false });
  const base = Y.encodeStateAsUpdate(alice);
  Y.applyUpdate(bob, base);
  const versions: Uint8Array[] = [];
  for (const step of steps) {
    const before = Y.encodeStateVector(alice);
    const beforeBob = Y.encodeStateVector(bob);
    const writer = step(alice, bob);
    const update = Y.encodeStateAsUpdate(writer, writer === alice ? before : beforeBob);
    Y.applyUpdate(alice, update);
    Y.applyUpdate(bob, update);
    versions.push(update);
  }
  return { base, versions };
}

const blocks = (doc: Y.Doc) => (doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: Y.XmlText }>).map((op) => op.insert);

/** A version's text as [author, text, change] runs per block. */
function runs(rendered: HistoryElement[]): Array<Array<[number, string, string | undefined]>> {
  return rendered.map((block) => block.children.map((leaf) => [leaf.historyAuthor as number, leaf.text as string, leaf.historyChange as string | undefined]));
}

describe('history model', () => {
  const { base, versions } = turns(
    (alice) => (blocks(alice)[0].insert(0, 'Hello world'), alice),
    (_alice, bob) => (blocks(bob)[0].insert(5, ' dear', { bold: true }), bob),
    (alice) => (blocks(alice)[0].delete(0, 6), alice),
    (_alice, bob) => (blocks(bob)[0].setAttribute('type', 'heading-one'), bob),
  );
  const model = HistoryModel.build(base, versions);

  it('V1: shows each version with each run of text attributed to the client that typed it', () => {
    expect(model.lastIndex).toBe(4);
    expect(runs(model.render(0).blocks)).toEqual([[[0, '', undefined]]]);
    expect(runs(model.render(1).blocks)).toEqual([[[1_001, 'Hello world', undefined]]]);
    expect(runs(model.render(2).blocks)).toEqual([
      [
        [1_001, 'Hello', undefined],
        [2_002, ' dear', undefined],
        [1_001, ' world', undefined],
      ],
    ]);
    expect(model.render(2).blocks[0].children[1].bold).toBe(true);
    expect(plainBlocks(model.render(3).blocks)).toEqual([{ type: 'paragraph', children: [{ text: 'dear', bold: true }, { text: ' world' }] }]);
    expect(model.render(4).blocks[0].type).toBe('heading-one');
    expect(model.render(3).blocks[0].type).toBe('paragraph');
  });

  it('V1: in changes mode marks what a version added and what it removed', () => {
    expect(runs(model.render(2, 1).blocks)).toEqual([
      [
        [1_001, 'Hello', undefined],
        [2_002, ' dear', 'added'],
        [1_001, ' world', undefined],
      ],
    ]);
    expect(runs(model.render(3, 2).blocks)).toEqual([
      [
        [1_001, 'Hello', 'removed'],
        [2_002, ' ', 'removed'],
        [2_002, 'dear', undefined],
        [1_001, ' world', undefined],
      ],
    ]);
    // Going back compares the other way: what the later version has that the earlier had not is "removed" from view.
    expect(runs(model.render(1, 3).blocks)).toEqual([
      [
        [1_001, 'Hello', 'added'],
        [2_002, 'dear', 'removed'],
        [1_001, ' world', undefined],
      ],
    ]);
  });

  it('V1: refuses an index outside the history', () => {
    expect(() => model.render(5)).toThrow(RangeError);
    expect(() => model.render(-1)).toThrow(RangeError);
    expect(() => model.render(1.5)).toThrow(RangeError);
    expect(() => model.render(1, 9)).toThrow(RangeError);
  });

  it('V1: refuses a history with a gap (a version building on edits none before it holds)', () => {
    expect(() => HistoryModel.build(base, versions.slice(1))).toThrow(/incomplete/);
  });
});
