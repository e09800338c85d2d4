/**
 * The plugin on top of @slate-yjs/core with several peers.
 *
 * Flat lists exist for these tests: slate-yjs replays move_node as delete +
 * insert of a copy, so under the earlier nested model two users indenting one
 * item duplicated it, and text typed into an item while another user indented
 * it was lost. List commands now only set attributes, which Yjs merges per
 * attribute (concurrent writes of one attribute: the higher client id wins).
 * Also checks that two peers normalizing the same remote state make identical
 * `set_node` ops, so after syncing there is one result, not two.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor, Editor, Node, Transforms, type Descendant } from 'slate';
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { CONTENT_ROOT } from '../../protocol/document';
import { indentListItem, outdentListItem, toggleBlock, type ToggleableBlock } from './commands';
import { at, bullet, flatListProblems, numbered, p, pendingNormalizationOps } from './testHelpers';
import { withRichText } from './withRichText';

/** Yjs client ids of alice, bob and a plain Yjs client; fixed so concurrent attribute writes resolve predictably. */
const CLIENT_IDS = [100, 200, 300] as const;

function peers(initial: Descendant[]) {
  const docs = CLIENT_IDS.map((clientID) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    return doc;
  });
  docs[0].get(CONTENT_ROOT, Y.XmlText).applyDelta(slateNodesToInsertDelta(initial));
  for (const doc of docs.slice(1)) Y.applyUpdate(doc, Y.encodeStateAsUpdate(docs[0]));
  // Peers 0 and 1 are editors with the plugin; docs[2] is a plain Yjs client (e.g. a script).
  const editors = docs.slice(0, 2).map((doc) => {
    const editor = withRichText(withYjs(createEditor(), doc.get(CONTENT_ROOT, Y.XmlText)) as unknown as Editor);
    YjsEditor.connect(editor as unknown as YjsEditor);
    return editor;
  });
  const flush = () => editors.forEach((e) => YjsEditor.flushLocalChanges(e as unknown as YjsEditor));
  const send = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
  /** Exchanges updates until quiet, so normalization ops made on receipt travel too. */
  const sync = () => {
    for (let round = 0; round < 5; round++) {
      flush();
      for (const from of docs) for (const to of docs) if (from !== to) send(from, to);
    }
    flush();
  };
  return { docs, editors, sync, send, flush };
}

describe('list commands with two peers (slate-yjs)', () => {
  it('both peers indenting the same item keep one item, indented once', () => {
    const { editors: [alice, bob], sync } = peers([bullet('a'), bullet('b'), p('end')]);
    for (const editor of [alice, bob]) {
      Transforms.select(editor, at([1]));
      indentListItem(editor);
    }
    sync();
    expect(alice.children).toEqual([bullet('a'), bullet('b', 1), p('end')]);
    expect(bob.children).toEqual(alice.children);
  });

  it('concurrent different indents of one item resolve to one value on both peers (higher client id wins)', () => {
    const { editors: [alice, bob], sync } = peers([bullet('a'), bullet('b')]);
    Transforms.select(alice, at([1]));
    indentListItem(alice);
    indentListItem(alice);
    indentListItem(alice);
    Transforms.select(bob, at([1]));
    indentListItem(bob);
    sync();
    // Bob (client 200) wrote indent 1 concurrently with Alice's writes (client 100).
    expect(alice.children).toEqual([bullet('a'), bullet('b', 1)]);
    expect(bob.children).toEqual(alice.children);
  });

  it('both peers outdenting the same item keep one copy', () => {
    const { editors: [alice, bob], sync } = peers([bullet('a'), bullet('b', 1), p('end')]);
    for (const editor of [alice, bob]) {
      Transforms.select(editor, at([1]));
      outdentListItem(editor);
    }
    sync();
    expect(alice.children).toEqual([bullet('a'), bullet('b'), p('end')]);
    expect(bob.children).toEqual(alice.children);
  });

  it('one peer ending an item while the other indents it gives one paragraph', () => {
    const { editors: [alice, bob], sync } = peers([bullet('a'), bullet('b')]);
    Transforms.select(alice, at([1]));
    indentListItem(alice);
    Transforms.select(bob, at([1]));
    outdentListItem(bob); // indent 0 → paragraph, listType and indent removed
    sync();
    // Alice's indent write may survive on the paragraph; normalization removes it the same way on both peers.
    expect(alice.children).toEqual([bullet('a'), p('b')]);
    expect(bob.children).toEqual(alice.children);
  });

  it('retyping and indenting the same item concurrently keep both changes', () => {
    const { editors: [alice, bob], sync } = peers([bullet('a'), bullet('b')]);
    Transforms.select(alice, at([1]));
    toggleBlock(alice, 'numbered-list');
    Transforms.select(bob, at([1]));
    indentListItem(bob);
    sync();
    expect(alice.children).toEqual([bullet('a'), numbered('b', 1)]);
    expect(bob.children).toEqual(alice.children);
  });

  it.each([
    ['indents it', (editor: Editor) => indentListItem(editor), bullet('b!', 1)],
    ['outdents it to a paragraph', (editor: Editor) => outdentListItem(editor), p('b!')],
    ['makes it numbered', (editor: Editor) => toggleBlock(editor, 'numbered-list'), numbered('b!')],
  ] as const)('text typed into an item while the other peer %s survives', (_name, command, expected) => {
    const { editors: [alice, bob], sync } = peers([bullet('a'), bullet('b')]);
    Transforms.select(alice, at([1]));
    command(alice);
    Transforms.select(bob, at([1], 1));
    Editor.insertText(bob, '!');
    sync();
    expect(alice.children).toEqual([bullet('a'), expected]);
    expect(bob.children).toEqual(alice.children);
  });

  it('making a list from paragraphs on both peers at once gives one list', () => {
    const { editors: [alice, bob], sync } = peers([p('a'), p('b')]);
    for (const editor of [alice, bob]) {
      Transforms.select(editor, { anchor: at([0]), focus: at([1], 1) });
      toggleBlock(editor, 'numbered-list');
    }
    sync();
    expect(alice.children).toEqual([numbered('a'), numbered('b')]);
    expect(bob.children).toEqual(alice.children);
  });

  // Residual limit, not list-specific (README, "Known limit"): slate-yjs carries
  // out split_node (Enter in the middle of a line) by deleting the tail and
  // inserting a copy as a new block, so text typed concurrently into that tail
  // stays at the end of the first half: one line up, not lost, the same on both peers.
  it('KNOWN LIMIT: text typed after the split point while the other peer presses Enter there lands at the end of the first half', () => {
    const { editors: [alice, bob], sync } = peers([bullet('abc')]);
    Transforms.select(alice, at([0], 1));
    Editor.insertBreak(alice);
    Transforms.select(bob, at([0], 3));
    Editor.insertText(bob, '!');
    sync();
    expect(alice.children).toEqual([bullet('a!'), bullet('bc')]);
    expect(bob.children).toEqual(alice.children);
  });
});

describe('normalization with two peers (slate-yjs)', () => {
  it('a list-item without list attributes written by a plain client becomes one bulleted item on both peers', () => {
    const { docs, editors: [alice, bob], send, sync } = peers([p('a')]);
    const item = new Y.XmlText();
    item.insert(0, 'x');
    item.setAttribute('type', 'list-item');
    item.setAttribute('indent', 42 as unknown as string);
    const root = docs[2].get(CONTENT_ROOT, Y.XmlText);
    root.insertEmbed(root.length, item);
    // Each peer receives it separately and normalizes it on its own.
    send(docs[2], docs[0]);
    send(docs[2], docs[1]);
    expect(alice.children).toEqual([p('a'), bullet('x', 8)]);
    expect(bob.children).toEqual([p('a'), bullet('x', 8)]);
    sync();
    expect(alice.children).toEqual([p('a'), bullet('x', 8)]);
    expect(bob.children).toEqual(alice.children);
  });
});

// ---------------------------------------------------------------- randomized

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const FORMATS: ToggleableBlock[] = ['paragraph', 'heading-one', 'block-quote', 'bulleted-list', 'numbered-list'];

/**
 * Two peers make random list edits and type "x" concurrently, syncing now and
 * then. No action deletes typed text or splits/merges blocks (slate-yjs copies
 * on split/merge, see the known limit above), so every typed "x" must survive
 * and the block count must never change: a duplicated or dropped item fails.
 */
function collabRun(seed: number, steps: number) {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const initial = [p('one'), bullet('two'), bullet('three', 1), numbered('four'), p('five')];
  const { editors, sync } = peers(initial);
  let typed = 0;
  let conflicts = 0;
  const log: string[] = [];
  for (let step = 0; step < steps; step++) {
    const editor = pick(editors);
    const blocks = editor.children.length;
    const line = Math.floor(random() * blocks);
    const other = Math.floor(random() * blocks);
    Transforms.select(editor, random() < 0.7 ? at([line]) : { anchor: at([Math.min(line, other)]), focus: at([Math.max(line, other)], 1) });
    const action = pick(['type', 'tab', 'shiftTab', 'block', 'sync'] as const);
    log.push(`${editors.indexOf(editor) === 0 ? 'alice' : 'bob'} ${action} at ${JSON.stringify(editor.selection)}`);
    switch (action) {
      case 'type':
        Transforms.collapse(editor, { edge: 'end' });
        Editor.insertText(editor, 'x');
        typed++;
        break;
      case 'tab':
        indentListItem(editor);
        break;
      case 'shiftTab':
        outdentListItem(editor);
        break;
      case 'block':
        toggleBlock(editor, pick(FORMATS));
        break;
      case 'sync':
        if (JSON.stringify(editors[0].children) !== JSON.stringify(editors[1].children)) conflicts++;
        sync();
        break;
    }
  }
  sync();
  const [alice, bob] = editors;
  const context = `seed ${seed}:\n${log.join('\n')}\nalice ${JSON.stringify(alice.children)}\nbob ${JSON.stringify(bob.children)}`;
  expect(bob.children, context).toEqual(alice.children);
  expect(alice.children.length, context).toBe(initial.length);
  expect(Node.string(alice).split('x').length - 1, context).toBe(typed);
  expect(flatListProblems(alice.children), context).toEqual([]);
  expect(pendingNormalizationOps(alice), context).toEqual([]);
  return { typed, conflicts };
}

describe('random concurrent list edits on two peers', () => {
  it('converge with no item duplicated or lost and every typed character kept (100 seeds × 40 steps)', () => {
    let typed = 0;
    let conflicts = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const run = collabRun(seed, 40);
      typed += run.typed;
      conflicts += run.conflicts;
    }
    // The sessions did real work: text was typed and peers had diverged before syncing.
    expect(typed).toBeGreaterThan(500);
    expect(conflicts).toBeGreaterThan(100);
  });
});
