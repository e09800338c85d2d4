/**
 * Test and benchmark support: a deterministic random editing session of
 * several writers on one document shaped like the editor's (a Y.XmlText body
 * of block XmlTexts with attributes and formatted text, as @slate-yjs/core
 * writes it, and a Y.Text title), as a relay would see it: every update in the
 * order it arrived, with its author and a virtual time, and the document as it
 * was right after each one.
 *
 * Writers go offline now and then (their edits reach the relay later, merged
 * with whatever others did meanwhile), so the history holds real concurrency.
 */
import { yTextToSlateElement } from '@slate-yjs/core';
import * as Y from 'yjs';
import { BlockType, CONTENT_ROOT, ListType, STORED_POSITION_PREFIX, TITLE_ROOT } from '../../protocol/document';
import { seedUpdate } from '../../protocol/seed';
import { makeRng as random } from '../../lab/sim/rng'; // mulberry32: a session is a pure function of its seed

export interface SessionEntry {
  update: Uint8Array;
  /** The sending writer's client id; null for the relay's seed. */
  author: number | null;
  at: number;
  /** Only a stored caret moved (as the editor stores it): nothing a reader sees. */
  quiet: boolean;
}

export interface DocumentTruth {
  title: string;
  /** The body as @slate-yjs/core reads it (the editor's Slate value). */
  blocks: unknown[];
  /** Per block, its visible text as runs of [client id, text], adjacent runs of one client joined. */
  authorship: Array<Array<[number, string]>>;
}

export interface Session {
  entries: SessionEntry[];
  /** `truth[i]`: the document right after entries[0..i]. */
  truth: DocumentTruth[];
  writers: number[];
}

export interface SessionOptions {
  writers?: number;
  steps?: number;
  /** Virtual time of the first entry. */
  startAt?: number;
  /** Chance per step that a writer goes offline or comes back. */
  offlineChance?: number;
  /** Record the truth after every entry (costly for long sessions). */
  truth?: boolean;
  /** Pause between steps: [min, max] ms, and the chance of a long pause (a new version). */
  stepMs?: [number, number];
  pauseChance?: number;
}

const WORDS = ['alpha', 'beta', 'gamma', 'δέλτα', 'epsilon', 'zeta', 'eta', 'théta', 'iota', 'kappa', '😀', 'x', ' ', '  '];
const BLOCK_TYPES = [BlockType.paragraph, BlockType.headingOne, BlockType.headingTwo, BlockType.blockQuote, BlockType.listItem];
const MARK_NAMES = ['bold', 'italic', 'underline', 'code'] as const;

interface Writer {
  doc: Y.Doc;
  outbox: Array<{ update: Uint8Array; quiet: boolean }>;
  offline: boolean;
}

/** The root attribute under which the editor stores a tab's caret (@slate-yjs/core's stored positions). */
const CARET_KEY = (client: number) => `${STORED_POSITION_PREFIX}${client}-anchor`;
const CARET_ORIGIN = Symbol('caret');

/** Stores a caret position in the root's attributes, as the editor does after a caret move. */
function storeCaret(doc: Y.Doc, next: () => number): void {
  const blocks = blocksOf(doc);
  if (blocks.length === 0) return;
  const block = blocks[Math.floor(next() * blocks.length)];
  const position = Y.createRelativePositionFromTypeIndex(block, Math.floor(next() * (plainText(block).length + 1)));
  doc.get(CONTENT_ROOT, Y.XmlText).setAttribute(CARET_KEY(doc.clientID), Y.encodeRelativePosition(position) as unknown as string);
}

function blocksOf(doc: Y.Doc): Y.XmlText[] {
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  return (root.toDelta() as Array<{ insert: unknown }>).flatMap(({ insert }) => (insert instanceof Y.XmlText ? [insert] : []));
}

function authorshipOf(block: Y.XmlText): Array<[number, string]> {
  const runs: Array<[number, string]> = [];
  for (let item = block._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] === item.id.client) last[1] += item.content.str;
    else runs.push([item.id.client, item.content.str]);
  }
  return runs;
}

export function truthOf(doc: Y.Doc): DocumentTruth {
  const blocks = blocksOf(doc);
  return {
    title: doc.get(TITLE_ROOT, Y.Text).toString(),
    blocks: blocks.map((block) => yTextToSlateElement(block)),
    authorship: blocks.map(authorshipOf),
  };
}

function randomText(next: () => number): string {
  const count = 1 + Math.floor(next() * 3);
  let text = '';
  for (let i = 0; i < count; i++) text += WORDS[Math.floor(next() * WORDS.length)];
  return text;
}

function randomMarks(next: () => number): Record<string, true> {
  const marks: Record<string, true> = {};
  for (const mark of MARK_NAMES) if (next() < 0.15) marks[mark] = true;
  return marks;
}

function newBlock(next: () => number): Y.XmlText {
  const block = new Y.XmlText();
  const type = BLOCK_TYPES[Math.floor(next() * BLOCK_TYPES.length)];
  block.setAttribute('type', type);
  if (type === BlockType.listItem) {
    block.setAttribute('listType', next() < 0.5 ? ListType.bulleted : ListType.numbered);
    block.setAttribute('indent', Math.floor(next() * 3) as unknown as string);
  }
  block.insert(0, randomText(next), randomMarks(next));
  return block;
}

function plainText(block: Y.XmlText): string {
  return (block.toDelta() as Array<{ insert: unknown }>).map(({ insert }) => (typeof insert === 'string' ? insert : '')).join('');
}

/** Whole code points only: Yjs counts UTF-16 units, the editor never splits a surrogate pair. */
function safeOffset(text: string, offset: number): number {
  const code = text.charCodeAt(offset - 1);
  return offset > 0 && code >= 0xd800 && code <= 0xdbff ? offset - 1 : offset;
}

/** One edit, in one transaction, as the editor could make it. */
function edit(doc: Y.Doc, next: () => number): void {
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  const blocks = blocksOf(doc);
  const roll = next();
  doc.transact(() => {
    if (blocks.length === 0 || roll < 0.12) {
      root.applyDelta([{ retain: Math.floor(next() * (blocks.length + 1)) }, { insert: newBlock(next) }], { sanitize: false });
      return;
    }
    const index = Math.floor(next() * blocks.length);
    const block = blocks[index];
    const text = plainText(block);
    if (roll < 0.18 && blocks.length > 1) {
      root.delete(index, 1);
    } else if (roll < 0.26) {
      const type = BLOCK_TYPES[Math.floor(next() * BLOCK_TYPES.length)];
      block.setAttribute('type', type);
      if (type === BlockType.listItem) block.setAttribute('indent', Math.floor(next() * 3) as unknown as string);
      else block.removeAttribute('indent');
    } else if (roll < 0.36 && text.length > 0) {
      const start = safeOffset(text, Math.floor(next() * text.length));
      const end = safeOffset(text, start + 1 + Math.floor(next() * (text.length - start)));
      if (end > start) block.format(start, end - start, { [MARK_NAMES[Math.floor(next() * MARK_NAMES.length)]]: next() < 0.7 ? true : null });
    } else if (roll < 0.55 && text.length > 0) {
      const start = safeOffset(text, Math.floor(next() * text.length));
      const end = safeOffset(text, Math.min(text.length, start + 1 + Math.floor(next() * 8)));
      if (end > start) block.delete(start, end - start);
    } else if (roll < 0.62) {
      const title = doc.get(TITLE_ROOT, Y.Text);
      if (title.length > 4 && next() < 0.4) title.delete(0, safeOffset(title.toString(), 2));
      else title.insert(safeOffset(title.toString(), Math.floor(next() * (title.length + 1))), randomText(next));
    } else {
      block.insert(safeOffset(text, Math.floor(next() * (text.length + 1))), randomText(next), randomMarks(next));
    }
  });
}

export function randomSession(seed: number, options: SessionOptions = {}): Session {
  const next = random(seed);
  const writerCount = options.writers ?? 3;
  const steps = options.steps ?? 80;
  const offlineChance = options.offlineChance ?? 0.08;
  const [minStep, maxStep] = options.stepMs ?? [50, 1_500];
  const pauseChance = options.pauseChance ?? 0.1;
  const recordTruth = options.truth ?? true;
  let now = options.startAt ?? 1_700_000_000_000;

  const relay = new Y.Doc();
  const entries: SessionEntry[] = [];
  const truth: DocumentTruth[] = [];
  const deliver = (update: Uint8Array, author: number | null, quiet = false) => {
    Y.applyUpdate(relay, update);
    entries.push({ update, author, at: now, quiet });
    if (recordTruth) truth.push(truthOf(relay));
  };
  deliver(seedUpdate(), null);

  const writers: Writer[] = [];
  for (let i = 0; i < writerCount; i++) {
    const doc = new Y.Doc();
    doc.clientID = 1_000 + i * 7_919 + Math.floor(next() * 1_000);
    const writer: Writer = { doc, outbox: [], offline: false };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'relay') writer.outbox.push({ update, quiet: origin === CARET_ORIGIN });
    });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(relay), 'relay');
    writers.push(writer);
  }
  const sync = (writer: Writer) => {
    // What the writer made reaches the relay (merged, when it was offline), then it catches up.
    if (writer.outbox.length === 1) {
      deliver(writer.outbox[0].update, writer.doc.clientID, writer.outbox[0].quiet);
    } else if (writer.outbox.length > 1) {
      deliver(Y.mergeUpdates(writer.outbox.map((sent) => sent.update)), writer.doc.clientID, writer.outbox.every((sent) => sent.quiet));
    }
    writer.outbox = [];
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(relay, Y.encodeStateVector(writer.doc)), 'relay');
  };

  for (let step = 0; step < steps; step++) {
    now += next() < pauseChance ? 6_000 + Math.floor(next() * 60_000) : minStep + Math.floor(next() * (maxStep - minStep));
    const writer = writers[Math.floor(next() * writers.length)];
    if (next() < offlineChance) writer.offline = !writer.offline;
    if (!writer.offline) Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(relay, Y.encodeStateVector(writer.doc)), 'relay');
    edit(writer.doc, next);
    if (!writer.offline) sync(writer);
    // The editor stores the caret after a move: a quiet update of its own, or (as a block split
    // migrating positions does) inside an edit's transaction.
    const caret = next();
    if (caret < 0.4) {
      writer.doc.transact(() => storeCaret(writer.doc, next), CARET_ORIGIN);
      if (!writer.offline) sync(writer);
    } else if (caret < 0.5) {
      writer.doc.transact(() => {
        storeCaret(writer.doc, next);
        edit(writer.doc, next);
      });
      if (!writer.offline) sync(writer);
    }
  }
  for (const writer of writers) {
    writer.offline = false;
    now += 100;
    sync(writer);
  }
  const result: Session = { entries, truth, writers: writers.map((w) => w.doc.clientID) };
  for (const writer of writers) writer.doc.destroy();
  relay.destroy();
  return result;
}
