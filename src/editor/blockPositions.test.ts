/**
 * The caret conversions by index (blockPositions.ts) give exactly what
 * @slate-yjs/core's give, for every point of a body with marks, empty blocks
 * and empty leaves, and both associations; and they really skip the library's
 * walk of the body for top-level blocks (else this would pass with a fallback).
 */
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Editor, type Descendant, type Point } from 'slate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT, STORED_POSITION_PREFIX } from '../protocol/document';
import { pointToRelativePosition, relativePositionToPoint, storedPoint } from './blockPositions';
import { cacheRootDelta } from './rootDeltaCache';

const library = await vi.importActual<typeof import('@slate-yjs/core')>('@slate-yjs/core');
const calls = { toRelative: 0, toPoint: 0 };
vi.mock('@slate-yjs/core', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@slate-yjs/core')>();
  return {
    ...actual,
    slatePointToRelativePosition: (...args: Parameters<typeof actual.slatePointToRelativePosition>) => {
      calls.toRelative++;
      return actual.slatePointToRelativePosition(...args);
    },
    relativePositionToSlatePoint: (...args: Parameters<typeof actual.relativePositionToSlatePoint>) => {
      calls.toPoint++;
      return actual.relativePositionToSlatePoint(...args);
    },
  };
});
afterEach(() => {
  calls.toRelative = 0;
  calls.toPoint = 0;
});

const BODY: Descendant[] = [
  { type: 'paragraph', children: [{ text: 'plain' }] },
  { type: 'paragraph', children: [{ text: '' }] },
  { type: 'heading-one', children: [{ text: 'ab' }, { text: 'cd', bold: true }, { text: 'e', italic: true }] },
  { type: 'paragraph', children: [{ text: 'x', bold: true }, { text: 'yz' }] },
] as Descendant[];

function editorOn(body: Descendant[], cached: boolean) {
  const doc = new Y.Doc();
  const root = doc.get(CONTENT_ROOT, Y.XmlText);
  root.applyDelta(slateNodesToInsertDelta(body));
  if (cached) cacheRootDelta(root);
  const editor = withYjs(createEditor(), root) as unknown as Editor & YjsEditor;
  YjsEditor.connect(editor);
  return { editor, root };
}

/** Every point of every leaf, both ends included. */
function everyPoint(editor: Editor): Point[] {
  const points: Point[] = [];
  for (const [node, path] of Editor.nodes(editor, { at: [], match: (n) => 'text' in n })) {
    for (let offset = 0; offset <= (node as { text: string }).text.length; offset++) points.push({ path, offset });
  }
  return points;
}

describe('caret positions by index', () => {
  it('Slate point → relative position: the same as the library at every point, without its walk', () => {
    const { editor, root } = editorOn(BODY, true);
    const points = everyPoint(editor);
    expect(points.length).toBeGreaterThan(10);
    for (const point of points) {
      const ours = pointToRelativePosition(editor, root, point);
      const theirs = library.slatePointToRelativePosition(root, editor, point);
      expect(Y.compareRelativePositions(ours, theirs), JSON.stringify(point)).toBe(true);
    }
    expect(calls.toRelative).toBe(0);
  });

  it('relative position → Slate point: the same as the library for every index and association, without its walk', () => {
    const { editor, root } = editorOn(BODY, true);
    let checked = 0;
    root.toDelta().forEach(({ insert: block }: { insert: Y.XmlText }) => {
      for (let index = 0; index <= block.length; index++) {
        for (const assoc of [0, -1]) {
          const position = Y.createRelativePositionFromTypeIndex(block, index, assoc);
          expect(relativePositionToPoint(editor, root, position), `${index} ${assoc}`).toEqual(library.relativePositionToSlatePoint(root, editor, position));
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(20);
    expect(calls.toPoint).toBe(0);
  });

  it('a stored position reads back as the point that was stored; none stored is undefined', () => {
    const { editor, root } = editorOn(BODY, true);
    const point = { path: [2, 1], offset: 1 };
    root.setAttribute(`${STORED_POSITION_PREFIX}k`, Y.encodeRelativePosition(pointToRelativePosition(editor, root, point)) as never);
    expect(storedPoint(editor, root, 'k')).toEqual(point);
    expect(storedPoint(editor, root, 'missing')).toBeUndefined();
  });

  it('takes the library\'s way where the fast one does not apply: an uncached root, a nested (legacy) list', () => {
    const uncached = editorOn(BODY, false);
    const point = { path: [3, 1], offset: 2 };
    pointToRelativePosition(uncached.editor, uncached.root, point);
    expect(calls.toRelative).toBe(1);

    const nested = editorOn(
      [{ type: 'bulleted-list', children: [{ type: 'list-item', children: [{ text: 'item' }] }] }] as Descendant[],
      true,
    );
    const inner = { path: [0, 0, 0], offset: 2 };
    const ours = pointToRelativePosition(nested.editor, nested.root, inner);
    expect(Y.compareRelativePositions(ours, library.slatePointToRelativePosition(nested.root, nested.editor, inner))).toBe(true);
    expect(relativePositionToPoint(nested.editor, nested.root, ours)).toEqual(inner);
    expect(calls.toRelative).toBe(2);
    expect(calls.toPoint).toBe(1);
  });
});
