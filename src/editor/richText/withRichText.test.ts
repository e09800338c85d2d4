import { describe, expect, it } from 'vitest';
import { Editor, Transforms } from 'slate';
import { MAX_LIST_INDENT } from '../../protocol/document';
import type { BlockElement } from '../schema';
import {
  at,
  bullet,
  docOpTypes,
  flatListProblems,
  h1,
  h2,
  legacyLi,
  legacyOl,
  legacyUl,
  numbered,
  p,
  pendingNormalizationOps,
  quote,
  setup,
  t,
} from './testHelpers';

const type = (editor: Editor, text: string) => {
  for (const ch of text) Editor.insertText(editor, ch);
};

describe('markdown shortcuts at the start of a paragraph', () => {
  it.each([
    ['# ', h1()],
    ['## ', h2()],
    ['> ', quote()],
  ])('"%s" sets the block type and removes the marker', (marker, expected) => {
    const editor = setup([p()], at([0]));
    type(editor, marker);
    expect(editor.children).toEqual([expected]);
    type(editor, 'Title');
    expect(editor.children).toEqual([{ ...expected, children: [t('Title')] }]);
  });

  it.each(['- ', '* '])('"%s" makes the paragraph a bulleted item', (marker) => {
    const editor = setup([p()], at([0]));
    type(editor, marker + 'milk');
    expect(editor.children).toEqual([bullet('milk')]);
    expect(editor.selection?.anchor).toEqual({ path: [0, 0], offset: 4 });
  });

  it('"1. " makes the paragraph a numbered item', () => {
    const editor = setup([p()], at([0]));
    type(editor, '1. first');
    expect(editor.children).toEqual([numbered('first')]);
  });

  it('uses only text removal and set_node', () => {
    const editor = setup([p('1.x')], at([0], 2));
    expect(docOpTypes(editor, () => type(editor, ' '))).toEqual(['remove_text', 'set_node']);
    expect(editor.children).toEqual([numbered('x')]);
  });

  it('keeps the text after the cursor', () => {
    const editor = setup([p('#Intro')], at([0], 1));
    type(editor, ' ');
    expect(editor.children).toEqual([h1('Intro')]);
  });

  it('only affects its own paragraph', () => {
    const editor = setup([p('above'), p(), p('below')], at([1]));
    type(editor, '- ');
    expect(editor.children).toEqual([p('above'), bullet(), p('below')]);
  });

  it('is plain text when not at the line start', () => {
    const editor = setup([p('a')], at([0], 1));
    type(editor, '# ');
    expect(editor.children).toEqual([p('a# ')]);
  });

  it.each(['2. ', '#x ', '### ', '-- '])('"%s" is plain text', (text) => {
    const editor = setup([p()], at([0]));
    type(editor, text);
    expect(editor.children).toEqual([p(text)]);
  });

  it('is plain text inside a list item or heading', () => {
    const editor = setup([bullet(), h1()], at([0]));
    type(editor, '# ');
    Transforms.select(editor, at([1]));
    type(editor, '- ');
    expect(editor.children).toEqual([bullet('# '), h1('- ')]);
  });
});

describe('Enter', () => {
  it('in an empty item at indent 0 turns it into a paragraph in place', () => {
    const editor = setup([bullet('a'), bullet()], at([1]));
    expect(docOpTypes(editor, () => Editor.insertBreak(editor))).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([bullet('a'), p()]);
    expect(editor.selection?.anchor.path).toEqual([1, 0]);
  });

  it('in an empty middle item leaves the items around it as they are', () => {
    const editor = setup([numbered('a'), numbered(), numbered('b')], at([1]));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([numbered('a'), p(), numbered('b')]);
  });

  it('in an empty indented item outdents it one level', () => {
    const editor = setup([bullet('a'), bullet('b', 1), bullet('', 1)], at([2]));
    expect(docOpTypes(editor, () => Editor.insertBreak(editor))).toEqual(['set_node']);
    expect(editor.children).toEqual([bullet('a'), bullet('b', 1), bullet()]);
    expect(editor.selection?.anchor.path).toEqual([2, 0]);
  });

  it('twice in an empty item at indent 1 reaches a paragraph', () => {
    const editor = setup([bullet('a'), bullet('', 1)], at([1]));
    Editor.insertBreak(editor);
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([bullet('a'), p()]);
  });

  it('at the end of a non-empty item adds an item with the same type and indent', () => {
    const editor = setup([numbered('a', 2)], at([0], 1));
    expect(docOpTypes(editor, () => Editor.insertBreak(editor))).toEqual(['split_node', 'split_node']);
    type(editor, 'b');
    expect(editor.children).toEqual([numbered('a', 2), numbered('b', 2)]);
  });

  it('in the middle of an item splits it into two items', () => {
    const editor = setup([bullet('ab', 1)], at([0], 1));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([bullet('a', 1), bullet('b', 1)]);
    expect(editor.selection?.anchor).toEqual({ path: [1, 0], offset: 0 });
  });

  it.each([
    ['heading-one', h1],
    ['heading-two', h2],
  ])('at the end of a %s gives a paragraph', (_name, heading) => {
    const editor = setup([heading('Title')], at([0], 5));
    Editor.insertBreak(editor);
    type(editor, 'body');
    expect(editor.children).toEqual([heading('Title'), p('body')]);
  });

  it('in the middle of a heading splits it into two headings', () => {
    const editor = setup([h1('TiTle')], at([0], 2));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([h1('Ti'), h1('Tle')]);
  });

  it('in an empty quote leaves the quote', () => {
    const editor = setup([quote('said'), quote()], at([1]));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([quote('said'), p()]);
  });

  it('in a paragraph splits as usual', () => {
    const editor = setup([p('ab')], at([0], 1));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([p('a'), p('b')]);
  });
});

describe('Backspace at the start of a block', () => {
  it('turns an item at indent 0 into a paragraph in place', () => {
    const editor = setup([bullet('a'), bullet('b'), bullet('c')], at([1]));
    expect(docOpTypes(editor, () => Editor.deleteBackward(editor))).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([bullet('a'), p('b'), bullet('c')]);
    expect(editor.selection?.anchor).toEqual({ path: [1, 0], offset: 0 });
  });

  it('outdents an indented item one level at a time, then makes it a paragraph', () => {
    const editor = setup([numbered('a'), numbered('b', 2)], at([1]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([numbered('a'), numbered('b', 1)]);
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([numbered('a'), numbered('b')]);
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([numbered('a'), p('b')]);
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([numbered('ab')]);
  });

  it.each([
    ['heading-one', h1],
    ['heading-two', h2],
    ['block-quote', quote],
  ])('turns a %s into a paragraph', (_name, make) => {
    const editor = setup([p('x'), make('y')], at([1]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([p('x'), p('y')]);
  });

  it('deletes a character when not at the start', () => {
    const editor = setup([bullet('ab', 1)], at([0], 2));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([bullet('a', 1)]);
  });

  it('at the start of a paragraph after a list joins it to the last item', () => {
    const editor = setup([bullet('a', 1), p('b')], at([1]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([bullet('ab', 1)]);
  });
});

describe('normalization (set_node / unset only)', () => {
  const raw = (props: Record<string, unknown>, text = 'x') => ({ type: 'list-item', ...props, children: [t(text)] }) as BlockElement;

  it('gives a list item without a valid listType "bulleted", and a missing indent 0', () => {
    const editor = setup([raw({}), raw({ listType: 'checkbox', indent: 2 }), raw({ listType: 'numbered' })]);
    const ops = pendingNormalizationOps(editor);
    expect(ops.map((op) => op.type)).toEqual(['set_node', 'set_node', 'set_node']);
    expect(editor.children).toEqual([bullet('x'), bullet('x', 2), numbered('x')]);
  });

  it.each([
    [-1, 0],
    [2.7, 2],
    [MAX_LIST_INDENT + 5, MAX_LIST_INDENT],
    ['3', 0],
    [null, 0],
  ])('clamps indent %s to %s', (indent, expected) => {
    const editor = setup([raw({ listType: 'bulleted', indent })]);
    Editor.normalize(editor, { force: true });
    expect(editor.children).toEqual([bullet('x', expected)]);
  });

  it('removes list attributes from blocks that are not list items', () => {
    const editor = setup([{ ...p('a'), listType: 'numbered', indent: 1 }, { ...h1('b'), indent: 0 }]);
    expect(pendingNormalizationOps(editor).map((op) => op.type)).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([p('a'), h1('b')]);
  });

  it('keeps legacy nested lists in place, typing their items (numbered inside numbered-list)', () => {
    const editor = setup([legacyUl(legacyLi('a'), legacyOl(legacyLi('b'), p('c'))), p('d')]);
    const ops = pendingNormalizationOps(editor);
    expect(ops.map((op) => op.type)).toEqual(['set_node', 'set_node']);
    expect(editor.children).toEqual([legacyUl(bullet('a'), legacyOl(numbered('b'), p('c'))), p('d')]);
  });

  it('turns a legacy list without items into a paragraph', () => {
    const editor = setup([p('a'), legacyUl()]);
    Editor.normalize(editor, { force: true });
    expect(editor.children).toEqual([p('a'), p()]);
  });

  it('is idempotent: a second pass produces no operations', () => {
    const editor = setup([raw({ indent: 99 }), { ...quote('q'), listType: 'bulleted' }, legacyOl(legacyLi('y'))]);
    expect(pendingNormalizationOps(editor).length).toBeGreaterThan(0);
    expect(pendingNormalizationOps(editor)).toEqual([]);
  });

  it('leaves a well-formed document alone', () => {
    const editor = setup([h1('T'), p('x'), bullet('a'), bullet('b', 1), numbered('c', 8), quote('q')]);
    expect(pendingNormalizationOps(editor)).toEqual([]);
    expect(flatListProblems(editor.children)).toEqual([]);
  });
});
