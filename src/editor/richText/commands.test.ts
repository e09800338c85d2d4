import { describe, expect, it } from 'vitest';
import { Editor } from 'slate';
import {
  indentListItem,
  isBlockActive,
  isMarkActive,
  outdentListItem,
  toggleBlock,
  toggleMark,
} from './commands';
import { at, h1, h2, li, listProblems, ol, p, pendingNormalizationOps, quote, setup, t, ul } from './testHelpers';

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

  it('wraps the selected paragraphs in one list and unwraps them (round trip)', () => {
    const editor = setup([p('a'), p('b'), p('c')], [at([0]), at([1], 1)]);
    toggleBlock(editor, 'bulleted-list');
    expect(editor.children).toEqual([ul(li('a'), li('b')), p('c')]);
    expect(isBlockActive(editor, 'bulleted-list')).toBe(true);
    expect(isBlockActive(editor, 'numbered-list')).toBe(false);
    toggleBlock(editor, 'bulleted-list');
    expect(editor.children).toEqual([p('a'), p('b'), p('c')]);
  });

  it('switches the list type of the items own list and keeps nesting', () => {
    const editor = setup([ul(li('a'), ul(li('b'), li('c')))], at([0, 1, 0]));
    toggleBlock(editor, 'numbered-list');
    expect(editor.children).toEqual([ul(li('a'), ol(li('b'), li('c')))]);
    expect(isBlockActive(editor, 'numbered-list')).toBe(true);
    expect(isBlockActive(editor, 'bulleted-list')).toBe(false);
  });

  it('turns a list item into a quote by lifting it out of the list', () => {
    const editor = setup([ul(li('a'), li('b'), li('c'))], at([0, 1]));
    toggleBlock(editor, 'block-quote');
    expect(editor.children).toEqual([ul(li('a')), quote('b'), ul(li('c'))]);
  });

  it('toggling a list off lifts a nested item out of every level', () => {
    const editor = setup([ul(li('a'), ul(li('b')))], at([0, 1, 0]));
    toggleBlock(editor, 'bulleted-list');
    expect(editor.children).toEqual([ul(li('a')), p('b')]);
  });

  it('turns a heading into a list item', () => {
    const editor = setup([h1('a')], at([0]));
    toggleBlock(editor, 'numbered-list');
    expect(editor.children).toEqual([ol(li('a'))]);
  });
});

describe('indentListItem (Tab)', () => {
  it('creates a sub-list of the same type after the previous item', () => {
    const editor = setup([ol(li('a'), li('b'), li('c'))], at([0, 1], 1));
    expect(indentListItem(editor)).toBe(true);
    expect(editor.children).toEqual([ol(li('a'), ol(li('b')), li('c'))]);
    expect(editor.selection?.anchor).toEqual({ path: [0, 1, 0, 0], offset: 1 });
  });

  it('joins the end of the previous sub-list', () => {
    const editor = setup([ul(li('a'), ul(li('x')), li('b'))], at([0, 2]));
    indentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('x'), li('b')))]);
  });

  it('takes the item’s own sub-list along', () => {
    const editor = setup([ul(li('a'), li('b'), ul(li('c')))], at([0, 1]));
    indentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b'), ul(li('c'))))]);
  });

  it('does nothing for the first item of a list', () => {
    const editor = setup([ul(li('a'), li('b'))], at([0, 0]));
    expect(indentListItem(editor)).toBe(false);
    expect(editor.children).toEqual([ul(li('a'), li('b'))]);
  });

  it('does nothing outside lists', () => {
    const editor = setup([p('a')], at([0]));
    expect(indentListItem(editor)).toBe(false);
    expect(editor.children).toEqual([p('a')]);
  });

  it('indents several selected items together', () => {
    const editor = setup([ul(li('a'), li('b'), li('c'), li('d'))], [at([0, 1]), at([0, 2], 1)]);
    indentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b'), li('c')), li('d'))]);
  });

  it('nests deeper on a second Tab', () => {
    const editor = setup([ul(li('a'), li('b'), li('c'))], at([0, 2]));
    indentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), li('b'), ul(li('c')))]);
    expect(indentListItem(editor)).toBe(false); // c is now the first item of its sub-list
  });
});

describe('outdentListItem (Shift+Tab)', () => {
  const nested = () => [ul(li('a'), ul(li('b'), li('c'), li('d')))];

  it('moves a middle item up; the items after it become its sub-list', () => {
    const editor = setup(nested(), at([0, 1, 1]));
    expect(outdentListItem(editor)).toBe(true);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b')), li('c'), ul(li('d')))]);
    expect(editor.selection?.anchor.path).toEqual([0, 2, 0]);
  });

  it('moves the first item up before its sub-list', () => {
    const editor = setup(nested(), at([0, 1, 0]));
    outdentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), li('b'), ul(li('c'), li('d')))]);
  });

  it('moves the last item up after its sub-list', () => {
    const editor = setup(nested(), at([0, 1, 2]));
    outdentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b'), li('c')), li('d'))]);
  });

  it('removes a sub-list left empty', () => {
    const editor = setup([ul(li('a'), ul(li('b')))], at([0, 1, 0]));
    outdentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), li('b'))]);
  });

  it('turns a top-level item into a paragraph', () => {
    const editor = setup([ol(li('a'), li('b'))], at([0, 1]));
    outdentListItem(editor);
    expect(editor.children).toEqual([ol(li('a')), p('b')]);
  });

  it('undoes indentListItem (round trip)', () => {
    const start = [ul(li('a'), li('b'), ul(li('c')), li('d'))];
    const editor = setup(structuredClone(start), at([0, 1]));
    indentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b'), ul(li('c'))), li('d'))]);
    outdentListItem(editor);
    expect(editor.children).toEqual(start);
  });

  it('outdents several selected items together', () => {
    const editor = setup(nested(), [at([0, 1, 1]), at([0, 1, 2], 1)]);
    outdentListItem(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b')), li('c'), li('d'))]);
  });

  it('takes the item’s own sub-list along and joins it with the items after', () => {
    const editor = setup([ol(li('a'), ol(li('b'), ol(li('c')), li('d')))], at([0, 1, 0]));
    outdentListItem(editor);
    expect(editor.children).toEqual([ol(li('a'), li('b'), ol(li('c'), li('d')))]);
  });

  it('turns a top-level item with a sub-list into a paragraph followed by that list', () => {
    const editor = setup([ul(li('a'), ul(li('b')), li('c'))], at([0, 0]));
    outdentListItem(editor);
    expect(editor.children).toEqual([p('a'), ul(li('b'), li('c'))]);
  });

  it('leaves a tree that needs no normalization', () => {
    const editor = setup(nested(), at([0, 1, 1]));
    outdentListItem(editor);
    expect(pendingNormalizationOps(editor)).toEqual([]);
    expect(listProblems(editor.children)).toEqual([]);
  });
});
