/**
 * How changes to the body's root (its list of blocks) reach Slate, when
 * @slate-yjs/core's way would cost time linear in the document per block.
 *
 * - A change that only sets attributes of the root (every tab's stored caret
 *   positions live there, see stableSelection.ts) changes nothing Slate shows,
 *   but @slate-yjs/core would still translate its event, and reading a root
 *   event's `delta` walks every block of the document: such events are dropped.
 * - A change that inserts or removes many blocks at once (a paste of
 *   thousands of lines, here or at a peer's; someone deleting half the
 *   document) would become one Slate operation per block, and each one costs
 *   a walk to its position and a copy of the whole block list: n blocks into a
 *   document of N cost n·N (15,000 pasted lines into 10,000 paragraphs: 10 s).
 *   Instead the new block list is built in one pass and given to Slate the way
 *   Slate documents for replacing content (`editor.children = …`, then
 *   `onChange`), and the selection is moved to where its block went.
 *
 * - A change that empties a block leaves Slate the block's last text node
 *   with the marks of the text it held: the tab showed (and would have typed)
 *   bold in a paragraph whose document holds no marks (R-MARKS2, 6 seeds in
 *   3,000). Those marks are dropped as part of the change.
 *
 * The wrappers around this (caret restore, undo capture) still see every call.
 */
import { YjsEditor, yTextToSlateElement } from '@slate-yjs/core';
import { Editor, Element, Text, Transforms, type Descendant, type Point } from 'slate';
import * as Y from 'yjs';

/** A root change inserting or removing at least this many blocks is applied in one pass. */
export const BULK_BLOCKS = 20;

type RootDelta = Array<{ retain?: number; delete?: number; insert?: unknown; attributes?: object }>;

export function withRootEvents<T extends YjsEditor>(editor: T): T {
  const { applyRemoteEvents } = editor;
  const root = editor.sharedRoot;
  const changesContent = (transaction: Y.Transaction) =>
    transaction.changed.get(root as unknown as Y.AbstractType<Y.YEvent<Y.XmlText>>)?.has(null) ?? false;

  editor.applyRemoteEvents = (events, origin) => {
    const rootEvent = events.find((event) => event.target === root);
    let rest = events;
    if (rootEvent && !changesContent(rootEvent.transaction)) {
      rest = events.filter((event) => event !== rootEvent); // attributes only
    } else if (rootEvent) {
      const delta = rootEvent.delta as RootDelta;
      if (isBulkBlockChange(delta)) {
        YjsEditor.flushLocalChanges(editor);
        spliceBlocks(editor, delta);
        rest = events.filter((event) => event !== rootEvent);
      }
    }
    applyRemoteEvents(rest, origin);
    dropMarksOfEmptiedBlocks(editor, rest, origin);
    // Slate normalised what the remote change left (merging neighbouring texts with the same marks,
    // say) as local operations: they go to Yjs now, against the document they were made on.
    YjsEditor.flushLocalChanges(editor);
  };
  return editor;
}

/**
 * For each block a remote change emptied whose one text node Slate kept with
 * marks: the marks go, applied with the change's origin (a remote operation:
 * Yjs has nothing to store for an empty text, and nothing is sent back).
 */
function dropMarksOfEmptiedBlocks(editor: YjsEditor, events: ReadonlyArray<Y.YEvent<Y.XmlText>>, origin: unknown): void {
  const root = editor.sharedRoot;
  let blocks: unknown[] | null = null;
  for (const { target } of events) {
    if (target === root || target.parent !== root || target.length !== 0) continue;
    blocks ??= (root.toDelta() as RootDelta).map((op) => op.insert); // (kept between root changes: rootDeltaCache.ts)
    const index = blocks.indexOf(target);
    const block = editor.children[index];
    if (!Element.isElement(block) || block.children.length !== 1) continue;
    const [leaf] = block.children;
    if (!Text.isText(leaf) || leaf.text !== '') continue;
    const marks = Object.keys(leaf).filter((key) => key !== 'text');
    if (marks.length === 0) continue;
    YjsEditor.withOrigin(editor, origin, () => Transforms.unsetNodes(editor as unknown as Editor, marks, { at: [index, 0] }));
  }
}

function isBulkBlockChange(delta: RootDelta): boolean {
  let changed = 0;
  for (const op of delta) {
    if (op.attributes) return false;
    if (op.insert !== undefined) {
      if (!(op.insert instanceof Y.XmlText)) return false;
      changed += 1;
    } else if (op.delete !== undefined) changed += op.delete;
  }
  return changed >= BULK_BLOCKS;
}

/** Applies the root's block-level delta to Slate's children in one pass, and carries the selection along. */
function spliceBlocks(editor: YjsEditor, delta: RootDelta): void {
  const before = editor.children;
  const after: Descendant[] = [];
  const newIndex: number[] = new Array(before.length).fill(0); // old block index → new
  const removed = new Set<number>(); // old indices of removed blocks (newIndex: where the next block now is)
  let at = 0;
  for (const op of delta) {
    if (op.retain !== undefined) {
      for (let i = at; i < at + op.retain; i++) {
        newIndex[i] = after.length;
        after.push(before[i]);
      }
      at += op.retain;
    } else if (op.delete !== undefined) {
      for (let i = at; i < at + op.delete; i++) {
        newIndex[i] = after.length;
        removed.add(i);
      }
      at += op.delete;
    } else {
      after.push(yTextToSlateElement(op.insert as Y.XmlText) as Descendant);
    }
  }
  for (let i = at; i < before.length; i++) {
    newIndex[i] = after.length;
    after.push(before[i]);
  }
  const movePoint = (point: Point): Point | null =>
    removed.has(point.path[0]) ? null : { path: [newIndex[point.path[0]], ...point.path.slice(1)], offset: point.offset };
  const selection = editor.selection;
  editor.children = after;
  if (selection) {
    const anchor = movePoint(selection.anchor);
    const focus = movePoint(selection.focus);
    if (anchor && focus) editor.selection = { anchor, focus };
    else if (after.length === 0) editor.selection = null;
    else {
      // The caret's block went away: the start of the block that took its place.
      const start = Editor.start(editor as unknown as Editor, [Math.min(newIndex[selection.anchor.path[0]], after.length - 1)]);
      editor.selection = { anchor: start, focus: start };
    }
  }
  editor.onChange();
}
