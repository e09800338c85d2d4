import { describe, expect, it } from 'vitest';
import { Editor, Transforms } from 'slate';
import { at, h1, h2, li, listProblems, ol, p, pendingNormalizationOps, quote, setup, t, ul } from './testHelpers';

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

  it.each(['- ', '* '])('"%s" starts a bulleted list', (marker) => {
    const editor = setup([p()], at([0]));
    type(editor, marker + 'milk');
    expect(editor.children).toEqual([ul(li('milk'))]);
    expect(editor.selection?.anchor).toEqual({ path: [0, 0, 0], offset: 4 });
  });

  it('"1. " starts a numbered list', () => {
    const editor = setup([p()], at([0]));
    type(editor, '1. first');
    expect(editor.children).toEqual([ol(li('first'))]);
  });

  it('keeps the text after the cursor', () => {
    const editor = setup([p('#Intro')], at([0], 1));
    type(editor, ' ');
    expect(editor.children).toEqual([h1('Intro')]);
  });

  it('only affects its own paragraph', () => {
    const editor = setup([p('above'), p(), p('below')], at([1]));
    type(editor, '- ');
    expect(editor.children).toEqual([p('above'), ul(li()), p('below')]);
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
    const editor = setup([ul(li()), h1()], at([0, 0]));
    type(editor, '# ');
    Transforms.select(editor, at([1]));
    type(editor, '- ');
    expect(editor.children).toEqual([ul(li('# ')), h1('- ')]);
  });
});

describe('Enter', () => {
  it('in an empty top-level list item leaves the list as a paragraph', () => {
    const editor = setup([ul(li('a'), li())], at([0, 1]));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([ul(li('a')), p()]);
    expect(editor.selection?.anchor.path).toEqual([1, 0]);
  });

  it('in an empty middle item splits the list around a paragraph', () => {
    const editor = setup([ol(li('a'), li(), li('b'))], at([0, 1]));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([ol(li('a')), p(), ol(li('b'))]);
  });

  it('in an empty nested item outdents one level', () => {
    const editor = setup([ul(li('a'), ul(li('b'), li()))], at([0, 1, 1]));
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b')), li())]);
    expect(editor.selection?.anchor.path).toEqual([0, 2, 0]);
  });

  it('twice in a nested empty item reaches a paragraph', () => {
    const editor = setup([ul(li('a'), ul(li('b'), li()))], at([0, 1, 1]));
    Editor.insertBreak(editor);
    Editor.insertBreak(editor);
    expect(editor.children).toEqual([ul(li('a'), ul(li('b'))), p()]);
  });

  it('at the end of a non-empty item adds an item', () => {
    const editor = setup([ul(li('a'))], at([0, 0], 1));
    Editor.insertBreak(editor);
    type(editor, 'b');
    expect(editor.children).toEqual([ul(li('a'), li('b'))]);
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
  it('turns a top-level list item into a paragraph, splitting the list', () => {
    const editor = setup([ul(li('a'), li('b'), li('c'))], at([0, 1]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([ul(li('a')), p('b'), ul(li('c'))]);
    expect(editor.selection?.anchor).toEqual({ path: [1, 0], offset: 0 });
  });

  it('turns the only list item into a paragraph and removes the list', () => {
    const editor = setup([ol(li('a'))], at([0, 0]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([p('a')]);
  });

  it('outdents a nested item first', () => {
    const editor = setup([ul(li('a'), ul(li('b')))], at([0, 1, 0]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([ul(li('a'), li('b'))]);
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([ul(li('a')), p('b')]);
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
    const editor = setup([ul(li('ab'))], at([0, 0], 2));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([ul(li('a'))]);
  });

  it('at the start of a paragraph after a list joins it to the last item', () => {
    const editor = setup([ul(li('a')), p('b')], at([1]));
    Editor.deleteBackward(editor);
    expect(editor.children).toEqual([ul(li('ab'))]);
  });
});

describe('normalization', () => {
  it('turns non-item blocks inside a list into items', () => {
    const editor = setup([ul(li('a'), p('b'), h1('c'))]);
    Editor.normalize(editor, { force: true });
    expect(editor.children).toEqual([ul(li('a'), li('b'), li('c'))]);
  });

  it('turns a list item outside a list into a paragraph', () => {
    const editor = setup([li('a'), { type: 'block-quote', children: [li('b')] }]);
    Editor.normalize(editor, { force: true });
    expect(editor.children).toEqual([p('a'), { type: 'block-quote', children: [p('b')] }]);
  });

  it('turns a list without items into an empty paragraph', () => {
    const editor = setup([p('a'), ul()]);
    Editor.normalize(editor, { force: true });
    expect(editor.children).toEqual([p('a'), p()]);
  });

  it('keeps nested lists and uses only set_node operations', () => {
    const editor = setup([ul(li('a'), ol(p('b'), li('c')), h2('d')), li('e')]);
    const ops = pendingNormalizationOps(editor);
    expect(ops.map((op) => op.type)).toEqual(['set_node', 'set_node', 'set_node']);
    expect(editor.children).toEqual([ul(li('a'), ol(li('b'), li('c')), li('d')), p('e')]);
  });

  it('is idempotent: a second pass produces no operations', () => {
    const editor = setup([ul(p('a'), ul(), li('c')), li('x'), ol(h1('y'))]);
    expect(pendingNormalizationOps(editor).length).toBeGreaterThan(0);
    expect(pendingNormalizationOps(editor)).toEqual([]);
    expect(listProblems(editor.children)).toEqual([]);
  });

  it('leaves a well-formed document alone', () => {
    const editor = setup([h1('T'), p('x'), ul(li('a'), ul(li('b'))), ol(li('c')), quote('q')]);
    expect(pendingNormalizationOps(editor)).toEqual([]);
  });
});
