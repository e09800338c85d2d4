/**
 * A document's history, ready to show at any version in time proportional to
 * the document's size, not to the number of versions or edits.
 *
 * Input: the state before the first kept version (the *base*, version index 0)
 * and one merged Yjs update per version (indices 1..n), as the relay keeps them
 * (server/history/). They are applied in order to one Y.Doc with garbage
 * collection off, so every character ever typed stays in it with its Yjs id
 * (client, clock). Each version's transaction says which clocks it inserted
 * (beforeState → afterState) and which it deleted (its delete set), so every
 * run of characters, every formatting mark, every block and every block
 * attribute gets an interval of versions [ins, del) in which it is visible.
 *
 * Showing version k is one walk over those runs keeping the ones visible at k:
 * no replay, no Yjs snapshot, nothing that depends on k's distance from 0 or n.
 * The author of a run is its Yjs client id (the relay maps client ids to the
 * names and colours it saw in presence). "Changes since j" also keeps the runs
 * visible at j and not at k (removed) and marks those visible at k and not at j
 * (added).
 *
 * The result has the shape of the editor's Slate value (blocks of
 * src/protocol/document.ts, leaves with marks), as @slate-yjs/core would read
 * the document at that version, with each leaf annotated by `historyAuthor`
 * and, in changes mode, `historyChange`.
 */
import * as Y from 'yjs';
import { CONTENT_ROOT, TITLE_ROOT } from '../../protocol/document';

/** Never deleted. */
const NEVER = Number.MAX_SAFE_INTEGER;

export type HistoryChange = 'added' | 'removed';

/** A text leaf of a version: the marks (and any other format attributes) plus who wrote it. */
export interface HistoryLeaf {
  text: string;
  /** Yjs client id whose edit inserted this text. */
  historyAuthor: number;
  /** Only in changes mode: inserted (added) or deleted (removed) between the two versions. */
  historyChange?: HistoryChange;
  [attribute: string]: unknown;
}

/** A block of a version: its attributes (type, listType, indent…) and children. */
export interface HistoryElement {
  type?: string;
  children: HistoryNode[];
  /** Only in changes mode, for a whole block added or removed. */
  historyChange?: HistoryChange;
  [attribute: string]: unknown;
}

export type HistoryNode = HistoryLeaf | HistoryElement;

export function isHistoryLeaf(node: HistoryNode): node is HistoryLeaf {
  return typeof node.text === 'string';
}

export interface RenderedVersion {
  /** Index of the version shown (0 = the base). */
  index: number;
  title: string;
  blocks: HistoryElement[];
}

/** Visible at version k: inserted at or before k, not yet deleted at k. */
interface Interval {
  ins: number;
  del: number;
}

type Run =
  | (Interval & { kind: 'text'; text: string; client: number })
  | (Interval & { kind: 'format'; key: string; value: unknown })
  | (Interval & { kind: 'type'; node: TypeModel });

interface AttributeValue extends Interval {
  value: unknown;
}

interface TypeModel {
  /** Each attribute's values over time (a Y map entry's successive items). */
  attributes: Map<string, AttributeValue[]>;
  children: Run[];
}

interface DeleteRange {
  clock: number;
  end: number;
  version: number;
}

/** Which version inserted and which deleted each (client, clock). */
class Timeline {
  /** Per client: ascending clock ends of the versions that inserted for it, and those versions. */
  private readonly inserts = new Map<number, { ends: number[]; versions: number[] }>();
  private readonly deletes = new Map<number, DeleteRange[]>();

  record(version: number, transaction: Y.Transaction): void {
    transaction.afterState.forEach((after, client) => {
      const before = transaction.beforeState.get(client) ?? 0;
      if (after <= before) return;
      let entry = this.inserts.get(client);
      if (!entry) this.inserts.set(client, (entry = { ends: [], versions: [] }));
      entry.ends.push(after);
      entry.versions.push(version);
    });
    transaction.deleteSet.clients.forEach((ranges, client) => {
      let list = this.deletes.get(client);
      if (!list) this.deletes.set(client, (list = []));
      for (const { clock, len } of ranges) list.push({ clock, end: clock + len, version });
    });
  }

  /** Call once after the last `record`. */
  seal(): void {
    for (const list of this.deletes.values()) list.sort((a, b) => a.clock - b.clock);
  }

  /**
   * Splits [clock, clock + length) of `client` into pieces that are each
   * inserted by one version and deleted by at most one; calls `piece` for each
   * with its offset, length and interval.
   */
  pieces(client: number, clock: number, length: number, piece: (offset: number, length: number, interval: Interval) => void): void {
    const end = clock + length;
    const inserts = this.inserts.get(client);
    const deletes = this.deletes.get(client);
    let i = inserts ? firstAbove(inserts.ends, clock) : 0;
    let d = deletes ? firstRangeEndingAfter(deletes, clock) : 0;
    let at = clock;
    while (at < end) {
      const ins = inserts && i < inserts.versions.length ? inserts.versions[i] : 0;
      const insEnd = inserts && i < inserts.ends.length ? inserts.ends[i] : end;
      let del = NEVER;
      let delEnd = end;
      if (deletes && d < deletes.length) {
        const range = deletes[d];
        if (range.clock <= at) {
          del = range.version;
          delEnd = range.end;
        } else {
          delEnd = range.clock; // not deleted up to the next deleted range
        }
      }
      const next = Math.min(end, insEnd, delEnd);
      piece(at - clock, next - at, { ins, del });
      at = next;
      if (inserts && i < inserts.ends.length && inserts.ends[i] <= at) i++;
      if (deletes && d < deletes.length && deletes[d].end <= at) d++;
    }
  }
}

/** Index of the first value in ascending `values` greater than `x`. */
function firstAbove(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function firstRangeEndingAfter(ranges: readonly DeleteRange[], clock: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid].end > clock) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const visibleAt = (interval: Interval, version: number) => interval.ins <= version && version < interval.del;

/** The type's list items, left to right, deleted ones included (the doc keeps them: gc is off). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function* listItems(type: Y.AbstractType<any>): Generator<Y.Item> {
  for (let item = type._start; item !== null; item = item.right) yield item;
}

function buildType(type: Y.AbstractType<any>, timeline: Timeline): TypeModel {
  const model: TypeModel = { attributes: new Map(), children: [] };
  for (const [key, latest] of type._map) {
    const values: AttributeValue[] = [];
    for (let item: Y.Item | null = latest; item !== null; item = item.left) {
      if (item.content instanceof Y.ContentDeleted) continue;
      // Successive values one client set, all overwritten since, merge into one item: one value per clock, newest last.
      const content = item.content.getContent();
      for (let i = content.length - 1; i >= 0; i--) {
        timeline.pieces(item.id.client, item.id.clock + i, 1, (_offset, _length, interval) => values.push({ value: content[i], ...interval }));
      }
    }
    model.attributes.set(key, values);
  }
  for (const item of listItems(type)) {
    const { content } = item;
    const { client, clock } = item.id;
    if (content instanceof Y.ContentString) {
      const str = content.str;
      timeline.pieces(client, clock, item.length, (offset, length, interval) => {
        model.children.push({ kind: 'text', text: str.slice(offset, offset + length), client, ...interval });
      });
    } else if (content instanceof Y.ContentFormat) {
      timeline.pieces(client, clock, 1, (_o, _l, interval) => model.children.push({ kind: 'format', key: content.key, value: content.value, ...interval }));
    } else if (content instanceof Y.ContentType) {
      const node = buildType(content.type as Y.AbstractType<any>, timeline);
      timeline.pieces(client, clock, 1, (_o, _l, interval) => model.children.push({ kind: 'type', node, ...interval }));
    }
    // ContentDeleted (garbage-collected in the base) is never visible; embeds are not part of the schema.
  }
  return model;
}

function attributesAt(model: TypeModel, version: number): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, values] of model.attributes) {
    for (const value of values) {
      if (visibleAt(value, version)) {
        if (value.value !== null && value.value !== undefined) attributes[key] = value.value;
        break;
      }
    }
  }
  return attributes;
}

function sameAttributes(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** How a version is drawn: at `version`, and in changes mode also what `since` had. */
interface View {
  version: number;
  since: number | null;
}

function renderChildren(model: TypeModel, view: View): HistoryNode[] {
  const out: HistoryNode[] = [];
  /** Format attributes in force at the version, and at `since` (for removed text). */
  const formatsNow = new Map<string, unknown>();
  const formatsThen = new Map<string, unknown>();
  let pending: { text: string; marks: Record<string, unknown>; author: number; change?: HistoryChange } | null = null;
  const flush = () => {
    if (!pending) return;
    const leaf: HistoryLeaf = { ...pending.marks, text: pending.text, historyAuthor: pending.author };
    if (pending.change) leaf.historyChange = pending.change;
    out.push(leaf);
    pending = null;
  };
  const { version, since } = view;
  for (const run of model.children) {
    const now = visibleAt(run, version);
    const then = since !== null && visibleAt(run, since);
    if (run.kind === 'format') {
      if (now) setFormat(formatsNow, run.key, run.value);
      if (then) setFormat(formatsThen, run.key, run.value);
      continue;
    }
    if (!now && !then) continue;
    const change: HistoryChange | undefined = since === null || now === then ? undefined : now ? 'added' : 'removed';
    if (run.kind === 'type') {
      flush();
      out.push(renderElement(run.node, view, now ? version : since!, change));
      continue;
    }
    const marks = Object.fromEntries(now ? formatsNow : formatsThen);
    if (pending && pending.author === run.client && pending.change === change && sameAttributes(pending.marks, marks)) {
      pending.text += run.text;
    } else {
      flush();
      pending = { text: run.text, marks, author: run.client, change };
    }
  }
  flush();
  return out;
}

function setFormat(formats: Map<string, unknown>, key: string, value: unknown): void {
  if (value === null) formats.delete(key);
  else formats.set(key, value);
}

/** Shallow equality of two records whose values are primitives or already-shared objects. */
function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function sameElement(a: HistoryElement, b: HistoryElement): boolean {
  const { children: ca, ...ra } = a;
  const { children: cb, ...rb } = b;
  if (ca.length !== cb.length || !shallowEqual(ra, rb)) return false;
  for (let i = 0; i < ca.length; i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    if (!isHistoryLeaf(x) || !isHistoryLeaf(y) || !shallowEqual(x, y)) return false;
  }
  return true;
}

/**
 * The last element drawn for each block: a block that looks the same at the
 * next version is returned as the same object, so the view (memoised per
 * block) redraws only the blocks a step changed.
 */
const lastDrawn = new WeakMap<TypeModel, HistoryElement>();

function renderElement(model: TypeModel, view: View, attributesVersion: number, change: HistoryChange | undefined): HistoryElement {
  const element = drawElement(model, view, attributesVersion, change);
  const previous = lastDrawn.get(model);
  if (previous && sameElement(previous, element)) return previous;
  lastDrawn.set(model, element);
  return element;
}

function drawElement(model: TypeModel, view: View, attributesVersion: number, change: HistoryChange | undefined): HistoryElement {
  // A removed block is drawn as it was then; its contents all count as removed with it.
  const inner: View = change === 'removed' ? { version: view.since!, since: null } : view;
  let children = renderChildren(model, inner);
  if (change === 'removed') children = children.map((child) => ('text' in child ? { ...child, historyChange: 'removed' as const } : child));
  if (children.length === 0) children = [{ text: '', historyAuthor: 0 }];
  const element: HistoryElement = { ...attributesAt(model, attributesVersion), children };
  if (change) element.historyChange = change;
  return element;
}

export interface HistoryModelOptions {
  /** Called with each version's transaction as it is applied (tests and benchmarks). */
  onVersion?: (index: number, doc: Y.Doc) => void;
}

export class HistoryModel {
  /** The highest version index (the versions are 0..lastIndex; 0 is the base). */
  readonly lastIndex: number;
  private readonly body: TypeModel;
  private readonly title: TypeModel;

  private constructor(body: TypeModel, title: TypeModel, lastIndex: number) {
    this.body = body;
    this.title = title;
    this.lastIndex = lastIndex;
  }

  /** `base`: the state before the first version (null: empty); `versions`: one update per version, in order. */
  static build(base: Uint8Array | null, versions: readonly Uint8Array[], options: HistoryModelOptions = {}): HistoryModel {
    const doc = new Y.Doc({ gc: false });
    const body = doc.get(CONTENT_ROOT, Y.XmlText);
    const title = doc.get(TITLE_ROOT, Y.Text);
    const timeline = new Timeline();
    let index = 0;
    const onTransaction = (transaction: Y.Transaction) => timeline.record(index, transaction);
    doc.on('afterTransaction', onTransaction);
    if (base) Y.applyUpdate(doc, base);
    options.onVersion?.(0, doc);
    for (index = 1; index <= versions.length; index++) {
      Y.applyUpdate(doc, versions[index - 1]);
      options.onVersion?.(index, doc);
    }
    doc.off('afterTransaction', onTransaction);
    if (doc.store.pendingStructs || doc.store.pendingDs) {
      throw new Error('history is incomplete: a version builds on edits that no earlier version holds');
    }
    timeline.seal();
    const model = new HistoryModel(buildType(body, timeline), buildType(title, timeline), versions.length);
    doc.destroy();
    return model;
  }

  /**
   * The document at version `index` (0..lastIndex). With `since`, also the
   * text and blocks that were there at `since` and are not at `index`
   * (historyChange "removed"), and what is new at `index` marked "added".
   */
  render(index: number, since: number | null = null): RenderedVersion {
    if (!Number.isInteger(index) || index < 0 || index > this.lastIndex) {
      throw new RangeError(`no version index ${index}: this history has 0–${this.lastIndex}`);
    }
    if (since !== null && (!Number.isInteger(since) || since < 0 || since > this.lastIndex)) {
      throw new RangeError(`no version index ${since} to compare with: this history has 0–${this.lastIndex}`);
    }
    const view: View = { version: index, since: since === index ? null : since };
    const blocks = renderChildren(this.body, view).filter((node): node is HistoryElement => !('text' in node));
    const title = renderChildren(this.title, { version: index, since: null })
      .map((node) => ('text' in node ? node.text : ''))
      .join('');
    return { index, title, blocks };
  }
}

/** The blocks without history annotations and with adjacent equal leaves joined: the Slate value of that version. */
export function plainBlocks(nodes: readonly HistoryNode[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const node of nodes) {
    if ('text' in node) {
      const { historyAuthor: _author, historyChange: _change, ...leaf } = node;
      const previous = out[out.length - 1];
      if (previous && 'text' in previous && sameAttributes(withoutText(previous), withoutText(leaf))) {
        previous.text = (previous.text as string) + leaf.text;
      } else {
        out.push(leaf);
      }
      continue;
    }
    const { historyChange: _change, children, ...attributes } = node;
    let plainChildren = plainBlocks(children);
    const nonEmpty = plainChildren.filter((child) => !('text' in child) || child.text !== '');
    plainChildren = nonEmpty.length > 0 ? nonEmpty : [{ text: '' }];
    out.push({ ...attributes, children: plainChildren });
  }
  return out;
}

function withoutText(leaf: Record<string, unknown>): Record<string, unknown> {
  const { text: _text, ...rest } = leaf;
  return rest;
}
