import { describe, expect, it } from 'vitest';
import { Editor } from 'slate';
import { MAX_LIST_INDENT } from '../../protocol/document';
import {
  indentListItem,
  isBlockActive,
  isInList,
  isMarkActive,
  outdentListItem,
  toggleBlock,
  toggleMark,
} from './commands';
import { at, bullet, docOpTypes, h1, h2, numbered, p, quote, setup, t } from './testHelpers';

describe('toggleMark', () => {
  it('marks the selected text and unmarks it again (round trip)', () => {
    const editor = setup([p('abcd')], [at([0], 1), at([0], 3)]);
    toggleMark(editor, 'bold');
    expect(editor.children).toEqual([p(t('a'), t('bc', { bold: true }), t('d'))]);
    expect(isMarkActive(editor, 'bold')).toBe(true);
    toggleMark(editor, 'bold');
    expect(editor.children).toEqual([p('abcd')]);
    expect(isMarkActive(editor, 'bold')).toBe(false);
  });

  it('combines marks', () => {
    const editor = setup([p('ab')], [at([0], 0), at([0], 2)]);
    toggleMark(editor, 'italic');
    toggleMark(editor, 'code');
    expect(editor.children).toEqual([p(t('ab', { italic: true, code: true }))]);
    expect(isMarkActive(editor, 'underline')).toBe(false);
  });

  it('with a collapsed cursor applies to the next typed text', () => {
    const editor = setup([p('a')], at([0], 1));
    toggleMark(editor, 'underline');
    Editor.insertText(editor, 'b');
    expect(editor.children).toEqual([p(t('a'), t('b', { underline: true }))]);
  });
});

describe('toggleBlock', () => {
  it.each([
    ['heading-one', h1],
    ['heading-two', h2],
    ['block-quote', quote],
  ] as const)('sets %s and back to paragraph (round trip)', (format, make) => {
    const editor = setup([p('x')], at([0]));
    toggleBlock(editor, format);
    expect(editor.children).toEqual([make('x')]);
    expect(isBlockActive(editor, format)).toBe(true);
    toggleBlock(editor, format);
    expect(editor.children).toEqual([p('x')]);
    expect(isBlockActive(editor, format)).toBe(false);
  });

  it('switches one heading level to another', () => {
    const editor = setup([h1('x')], at([0]));
    toggleBlock(editor, 'heading-two');
    expect(editor.children).toEqual([h2('x')]);
  });

  it('makes the selected paragraphs bulleted items in place and back (round trip, set_node only)', () => {
    const editor = setup([p('a'), p('b'), p('c')], [at([0]), at([1], 1)]);
    expect(docOpTypes(editor, () => toggleBlock(editor, 'bulleted-list'))).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([bullet('a'), bullet('b'), p('c')]);
    expect(isBlockActive(editor, 'bulleted-list')).toBe(true);
    expect(isBlockActive(editor, 'numbered-list')).toBe(false);
    // Off: type back to paragraph, listType and indent removed (set_node + unset).
    expect(docOpTypes(editor, () => toggleBlock(editor, 'bulleted-list'))).toEqual(['set_node', 'set_node', 'set_node', 'set_node']);
    expect(editor.children).toEqual([p('a'), p('b'), p('c')]);
  });

  it('switches the list type of the selected items and keeps their indents', () => {
    const editor = setup([bullet('a'), bullet('b', 2), bullet('c', 1)], [at([0]), at([1], 1)]);
    expect(docOpTypes(editor, () => toggleBlock(editor, 'numbered-list'))).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([numbered('a'), numbered('b', 2), bullet('c', 1)]);
    expect(isBlockActive(editor, 'numbered-list')).toBe(true);
    expect(isBlockActive(editor, 'bulleted-list')).toBe(false);
  });

  it('toggling a list off turns an indented item into a paragraph', () => {
    const editor = setup([bullet('a'), bullet('b', 3)], at([1]));
    toggleBlock(editor, 'bulleted-list');
    expect(editor.children).toEqual([bullet('a'), p('b')]);
  });

  it('turns a list item into a quote in place, dropping the list attributes', () => {
    const editor = setup([bullet('a'), numbered('b', 1), bullet('c')], at([1]));
    toggleBlock(editor, 'block-quote');
    expect(editor.children).toEqual([bullet('a'), quote('b'), bullet('c')]);
  });

  it('turns a heading into a numbered item at indent 0', () => {
    const editor = setup([h1('a')], at([0]));
    toggleBlock(editor, 'numbered-list');
    expect(editor.children).toEqual([numbered('a')]);
  });

  it('with mixed lines selected makes them all items of the format', () => {
    const editor = setup([p('a'), numbered('b', 1), h2('c')], [at([0]), at([2], 1)]);
    toggleBlock(editor, 'bulleted-list');
    expect(editor.children).toEqual([bullet('a'), bullet('b', 1), bullet('c')]);
  });
});

describe('indentListItem (Tab)', () => {
  it('raises the indent of the item by set_node, keeping it in place', () => {
    const editor = setup([numbered('a'), numbered('b'), numbered('c')], at([1], 1));
    let changed = false;
    expect(docOpTypes(editor, () => (changed = indentListItem(editor)))).toEqual(['set_node']);
    expect(changed).toBe(true);
    expect(editor.children).toEqual([numbered('a'), numbered('b', 1), numbered('c')]);
    expect(editor.selection?.anchor).toEqual({ path: [1, 0], offset: 1 });
  });

  it('also indents the first item of a list', () => {
    const editor = setup([bullet('a'), bullet('b')], at([0]));
    expect(indentListItem(editor)).toBe(true);
    expect(editor.children).toEqual([bullet('a', 1), bullet('b')]);
  });

  it(`stops at indent ${MAX_LIST_INDENT}`, () => {
    const editor = setup([bullet('a', MAX_LIST_INDENT - 1)], at([0]));
    expect(indentListItem(editor)).toBe(true);
    expect(editor.children).toEqual([bullet('a', MAX_LIST_INDENT)]);
    expect(docOpTypes(editor, () => expect(indentListItem(editor)).toBe(false))).toEqual([]);
  });

  it('does nothing outside lists', () => {
    const editor = setup([p('a')], at([0]));
    expect(isInList(editor)).toBe(false);
    expect(docOpTypes(editor, () => expect(indentListItem(editor)).toBe(false))).toEqual([]);
    expect(editor.children).toEqual([p('a')]);
  });

  it('indents the selected items only, each by one, leaving other selected lines alone', () => {
    const editor = setup([bullet('a'), bullet('b'), p('x'), bullet('c', 2), bullet('d')], [at([1]), at([3], 1)]);
    expect(isInList(editor)).toBe(true);
    indentListItem(editor);
    expect(editor.children).toEqual([bullet('a'), bullet('b', 1), p('x'), bullet('c', 3), bullet('d')]);
  });
});

describe('outdentListItem (Shift+Tab)', () => {
  it('lowers the indent by set_node', () => {
    const editor = setup([bullet('a'), bullet('b', 2), bullet('c', 2)], at([1]));
    expect(docOpTypes(editor, () => expect(outdentListItem(editor)).toBe(true))).toEqual(['set_node']);
    expect(editor.children).toEqual([bullet('a'), bullet('b', 1), bullet('c', 2)]);
  });

  it('turns an item at indent 0 into a paragraph in place', () => {
    const editor = setup([numbered('a'), numbered('b'), numbered('c')], at([1], 1));
    expect(docOpTypes(editor, () => outdentListItem(editor))).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([numbered('a'), p('b'), numbered('c')]);
    expect(editor.selection?.anchor).toEqual({ path: [1, 0], offset: 1 });
  });

  it('undoes indentListItem (round trip)', () => {
    const start = [bullet('a'), numbered('b', 1), bullet('c')];
    const editor = setup(structuredClone(start), [at([0]), at([2], 1)]);
    indentListItem(editor);
    expect(editor.children).toEqual([bullet('a', 1), numbered('b', 2), bullet('c', 1)]);
    outdentListItem(editor);
    expect(editor.children).toEqual(start);
  });

  it('outdents several selected items together', () => {
    const editor = setup([bullet('a', 1), bullet('b'), p('x')], [at([0]), at([2], 1)]);
    expect(outdentListItem(editor)).toBe(true);
    expect(editor.children).toEqual([bullet('a'), p('b'), p('x')]);
  });

  it('does nothing outside lists', () => {
    const editor = setup([p('a')], at([0]));
    expect(docOpTypes(editor, () => expect(outdentListItem(editor)).toBe(false))).toEqual([]);
  });
});
