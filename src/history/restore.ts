/**
 * Making a version (or an imported file) the current document, as a NEW edit:
 * the change from what the document is now to the target is applied to the
 * live Y.Doc like any edit — it reaches everyone, lands in history as a version
 * of its own, and the editor's undo takes it back (RESTORE_ORIGIN is one of
 * the origins its undo manager tracks). The past is never rewritten.
 *
 * The change is kept small: blocks equal in both stay untouched (their text
 * keeps its authors), a block that changed a little is patched in place
 * (attributes, then the text between the common start and end), and only the
 * rest is deleted or inserted.
 */
import { slateNodesToInsertDelta, yTextToSlateElement } from '@slate-yjs/core';
import type { Descendant } from 'slate';
import * as Y from 'yjs';
import { BlockType, CONTENT_ROOT, MARKS, TITLE_ROOT } from '../protocol/document';

/** Origin of the transactions that restore a version or import a file. */
export const RESTORE_ORIGIN = Symbol('history-restore');

/**
 * Makes the editor's undo manager take back restores and imports like the
 * user's own edits: it tracks their origin, and the title they also set.
 */
export function trackRestores(undoManager: Y.UndoManager, doc: Y.Doc): void {
  undoManager.trackedOrigins.add(RESTORE_ORIGIN);
  undoManager.addToScope(doc.getText(TITLE_ROOT));
}

export interface TargetDocument {
  /** Omitted: the title is left as it is (an import). */
  title?: string;
  /** Blocks as the editor holds them (Slate elements; extra fields such as history annotations are dropped). */
  blocks: ReadonlyArray<object>;
}

/** The live document as the editor holds it. */
export function currentDocument(doc: Y.Doc): { title: string; blocks: Descendant[] } {
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  const blocks = (root.toDelta() as Array<{ insert: unknown }>).flatMap(({ insert }) =>
    insert instanceof Y.XmlText ? [yTextToSlateElement(insert) as Descendant] : [],
  );
  return { title: doc.getText(TITLE_ROOT).toString(), blocks };
}

/** JSON with sorted keys: equal blocks give equal strings whatever order their fields were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

type Leaf = { text: string } & Record<string, unknown>;

function isFlat(block: Record<string, unknown>): boolean {
  return (block.children as unknown[]).every((child) => typeof (child as Leaf).text === 'string');
}

function leafMarks(leaf: Record<string, unknown>): Record<string, true> {
  const marks: Record<string, true> = {};
  for (const [key, value] of Object.entries(leaf)) if (key !== 'text' && value) marks[key] = true;
  return marks;
}

/** A block's text as characters (UTF-16 units) with each one's marks, as a comparable key. */
function characters(leaves: ReadonlyArray<Leaf>): { text: string; marks: string[] } {
  let text = '';
  const marks: string[] = [];
  for (const leaf of leaves) {
    const key = canonical(leafMarks(leaf));
    text += leaf.text;
    for (let i = 0; i < leaf.text.length; i++) marks.push(key);
  }
  return { text, marks };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Lengths of the common start and end of two marked texts, never splitting a surrogate pair. */
function commonEnds(a: { text: string; marks: string[] }, b: { text: string; marks: string[] }): { prefix: number; suffix: number } {
  const max = Math.min(a.text.length, b.text.length);
  let prefix = 0;
  while (prefix < max && a.text[prefix] === b.text[prefix] && a.marks[prefix] === b.marks[prefix]) prefix++;
  if (prefix > 0 && prefix < max && isHighSurrogate(a.text.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    a.text[a.text.length - 1 - suffix] === b.text[b.text.length - 1 - suffix] &&
    a.marks[a.marks.length - 1 - suffix] === b.marks[b.marks.length - 1 - suffix]
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(a.text.charCodeAt(a.text.length - suffix))) suffix--;
  return { prefix, suffix };
}

/** Replaces a Y.Text's content by `target`, touching only what differs. */
function patchPlainText(text: Y.Text, target: string): void {
  const current = text.toString();
  if (current === target) return;
  const marksOf = (s: string) => ({ text: s, marks: Array.from({ length: s.length }, () => '') });
  const { prefix, suffix } = commonEnds(marksOf(current), marksOf(target));
  const removed = current.length - prefix - suffix;
  if (removed > 0) text.delete(prefix, removed);
  const inserted = target.slice(prefix, target.length - suffix);
  if (inserted) text.insert(prefix, inserted);
}

/** Brings a flat block (text leaves only) to `target` in place: attributes, then the changed middle of its text. */
function patchBlock(block: Y.XmlText, target: Record<string, unknown>): void {
  const { children, ...attributes } = target;
  const current = block.getAttributes() as Record<string, unknown>;
  for (const [key, value] of Object.entries(attributes)) if (canonical(current[key]) !== canonical(value)) block.setAttribute(key, value as string);
  for (const key of Object.keys(current)) if (!(key in attributes)) block.removeAttribute(key);

  const now = (block.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>).map(
    (op): Leaf => ({ ...(op.attributes ?? {}), text: typeof op.insert === 'string' ? op.insert : '' }),
  );
  const wanted = (children as Leaf[]).filter((leaf) => leaf.text !== '');
  const a = characters(now);
  const b = characters(wanted);
  const { prefix, suffix } = commonEnds(a, b);
  const removed = a.text.length - prefix - suffix;
  if (removed > 0) block.delete(prefix, removed);
  // Insert the target's middle, leaf by leaf, each with exactly its marks.
  let offset = 0;
  let at = prefix;
  const end = b.text.length - suffix;
  for (const leaf of wanted) {
    const from = Math.max(offset, prefix);
    const to = Math.min(offset + leaf.text.length, end);
    if (to > from) {
      block.insert(at, leaf.text.slice(from - offset, to - offset), leafMarks(leaf));
      at += to - from;
    }
    offset += leaf.text.length;
  }
}

/** True when two flat blocks share enough text that patching one into the other beats replacing it. */
function similar(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (!isFlat(a) || !isFlat(b)) return false;
  const x = characters(a.children as Leaf[]);
  const y = characters(b.children as Leaf[]);
  const shorter = Math.min(x.text.length, y.text.length);
  if (shorter === 0) return a.type === b.type;
  const { prefix, suffix } = commonEnds(x, y);
  return prefix + suffix >= shorter / 2;
}

type Step = { op: 'keep' } | { op: 'delete' } | { op: 'insert'; block: Record<string, unknown> } | { op: 'patch'; block: Record<string, unknown> };

/** LCS of two key lists (the middle part, after common ends): which items of each are kept, in order. */
function keptPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  if (a.length * b.length > 4_000_000) return []; // too big to compare: replace the middle
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) i++;
    else j++;
  }
  return pairs;
}

function plan(current: ReadonlyArray<Record<string, unknown>>, target: ReadonlyArray<Record<string, unknown>>): Step[] {
  const a = current.map(canonical);
  const b = target.map(canonical);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const pairs = keptPairs(a.slice(start, a.length - end), b.slice(start, b.length - end)).map(([i, j]) => [i + start, j + start]);
  pairs.push([a.length - end, b.length - end]); // sentinel: the common end
  const steps: Step[] = Array.from({ length: start }, () => ({ op: 'keep' }) as Step);
  let i = start;
  let j = start;
  for (const [keepI, keepJ] of pairs) {
    // Between two kept blocks: pair removed and added ones that are alike, replace the rest.
    while (i < keepI || j < keepJ) {
      if (i < keepI && j < keepJ && similar(current[i], target[j])) {
        steps.push({ op: 'patch', block: target[j] });
        i++;
        j++;
      } else if (i < keepI) {
        steps.push({ op: 'delete' });
        i++;
      } else {
        steps.push({ op: 'insert', block: target[j] });
        j++;
      }
    }
    if (keepI < a.length) {
      steps.push({ op: 'keep' });
      i++;
      j++;
    }
  }
  for (let k = 0; k < end; k++) steps.push({ op: 'keep' });
  return steps;
}

const EMPTY_BODY = [{ type: BlockType.paragraph, children: [{ text: '' }] }];

/** Only the fields the editor's schema has: block attributes and children, leaves' text and marks. */
function clean(nodes: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return nodes.map((node) => {
    if (typeof node.text === 'string') {
      const leaf: Record<string, unknown> = { text: node.text };
      for (const mark of MARKS) if (node[mark]) leaf[mark] = true;
      return leaf;
    }
    const { children, historyChange: _change, historyAuthor: _author, ...attributes } = node;
    const kids = clean((children as Array<Record<string, unknown>>) ?? []).filter((child) => child.text !== '');
    return { ...attributes, children: kids.length > 0 ? kids : [{ text: '' }] };
  });
}

/**
 * Makes the live document equal `target` with one transaction of ordinary
 * edits (origin RESTORE_ORIGIN). Returns false if it already was.
 */
export function applyDocument(doc: Y.Doc, target: TargetDocument, origin: unknown = RESTORE_ORIGIN): boolean {
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  const wanted = clean((target.blocks.length > 0 ? target.blocks : EMPTY_BODY) as ReadonlyArray<Record<string, unknown>>);
  let changed = false;
  doc.transact(() => {
    const title = doc.getText(TITLE_ROOT);
    if (target.title !== undefined && title.toString() !== target.title) {
      patchPlainText(title, target.title);
      changed = true;
    }
    const embeds = (root.toDelta() as Array<{ insert: unknown }>).map(({ insert }) => insert);
    const current = embeds.map((insert) => (insert instanceof Y.XmlText ? (yTextToSlateElement(insert) as unknown as Record<string, unknown>) : { children: [] }));
    /** Position in the root as it is being changed, and in the blocks as they were. */
    let index = 0;
    let was = 0;
    for (const step of plan(current, wanted)) {
      if (step.op !== 'keep') changed = true;
      switch (step.op) {
        case 'keep':
          index++;
          was++;
          break;
        case 'delete':
          root.delete(index, 1);
          was++;
          break;
        case 'insert':
          root.applyDelta([{ retain: index }, ...slateNodesToInsertDelta([step.block as unknown as Descendant])], { sanitize: false });
          index++;
          break;
        case 'patch': {
          const embed = embeds[was];
          if (embed instanceof Y.XmlText) patchBlock(embed, step.block);
          index++;
          was++;
          break;
        }
      }
    }
  }, origin);
  return changed;
}
