import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createEditor, Transforms, type Descendant, type Range } from 'slate';
import { Editable, Slate, withReact } from 'slate-react';
import { listItemOrdinal, renderElement, renderLeaf } from './elements';
import { Toolbar } from './Toolbar';
import { at, bullet, h1, h2, legacyLi, legacyOl, legacyUl, numbered, p, quote, t } from './testHelpers';
import { withRichText } from './withRichText';
import type { BlockElement } from '../schema';

function render(value: Descendant[], withToolbar = false, selection: Range | null = null) {
  const editor = withRichText(withReact(createEditor()));
  editor.selection = selection;
  return renderToStaticMarkup(
    <Slate editor={editor} initialValue={value}>
      {withToolbar && <Toolbar />}
      <Editable renderElement={renderElement} renderLeaf={renderLeaf} />
    </Slate>,
  );
}

const markers = (html: string) => [...html.matchAll(/data-list-marker="([^"]*)"/g)].map((m) => m[1]);

describe('renderElement / renderLeaf', () => {
  it('renders each block with its tag and data-block-type', () => {
    const html = render([h1('T'), h2('S'), p('x'), quote('q'), legacyUl(legacyLi('a'), legacyOl(legacyLi('b')))]);
    for (const [tag, type] of [
      ['h1', 'heading-one'],
      ['h2', 'heading-two'],
      ['p', 'paragraph'],
      ['blockquote', 'block-quote'],
      ['ul', 'bulleted-list'],
      ['ol', 'numbered-list'],
    ]) {
      expect(html).toMatch(new RegExp(`<${tag} data-slate-node="element" data-block-type="${type}"`));
    }
  });

  it('renders a flat list item as an ARIA list item with its type, indent, margin and marker', () => {
    const html = render([bullet('a', 2)]);
    expect(html).toContain(
      '<div data-slate-node="element" role="listitem" aria-level="3" data-block-type="list-item" ' +
        'data-list-type="bulleted" data-indent="2" data-list-marker="▪" style="margin-inline-start:5.25em">',
    );
  });

  it('draws bullets by level: •, ◦, ▪, then again', () => {
    const html = render([0, 1, 2, 3].map((indent) => bullet('x', indent)));
    expect(markers(html)).toEqual(['•', '◦', '▪', '•']);
  });

  it('numbers consecutive items per indent; deeper items do not break a run, shallower ones and other blocks do', () => {
    const html = render([
      numbered('one'),
      numbered('two'),
      numbered('two.one', 1),
      bullet('two.bullet', 2),
      numbered('two.two', 1),
      numbered('three'),
      bullet('bullet'),
      numbered('restart'),
      p('break'),
      numbered('restart again'),
      numbered('deep', 3),
    ]);
    expect(markers(html)).toEqual(['1.', '2.', '1.', '▪', '2.', '3.', '•', '1.', '1.', '1.']);
  });

  it('an item’s number follows changes to earlier items although the item itself is unchanged', () => {
    // slate-react re-renders an element only when its object changes; this is
    // why ListItem reads the number through useSlateSelector.
    const editor = withRichText(withReact(createEditor()));
    editor.children = [numbered('a'), numbered('b'), numbered('c')];
    const third = editor.children[2] as BlockElement;
    expect(listItemOrdinal(editor, third)).toBe(3);
    Transforms.setNodes(editor, { indent: 1 }, { at: [1] });
    expect(editor.children[2]).toBe(third);
    expect(listItemOrdinal(editor, third)).toBe(2);
    Transforms.setNodes(editor, { listType: 'bulleted' }, { at: [0] });
    expect(listItemOrdinal(editor, third)).toBe(1);
    Transforms.removeNodes(editor, { at: [2] });
    expect(listItemOrdinal(editor, third)).toBeUndefined();
  });

  it('renders legacy lists as ul/ol around the items, numbering within each container', () => {
    const html = render([legacyOl(numbered('a'), legacyOl(numbered('sub')), numbered('b'))]);
    expect(html).toMatch(/^<div[^>]*><ol data-slate-node="element" data-block-type="numbered-list"><div [^>]*role="listitem"/);
    expect(markers(html)).toEqual(['1.', '1.', '2.']);
  });

  it('renders marks as strong, em, u and code', () => {
    const html = render([p(t('all', { bold: true, italic: true, underline: true, code: true }))]);
    expect(html).toContain('<u><em><strong><code>');
  });
});

describe('Toolbar', () => {
  it('has one labelled button per command, one Tab stop, pressed states off', () => {
    const html = render([p('x')], true);
    const names = [
      'bold', 'italic', 'underline', 'code', 'heading-one', 'heading-two',
      'bulleted-list', 'numbered-list', 'block-quote', 'undo', 'redo',
    ];
    for (const name of names) {
      expect(html).toMatch(new RegExp(`<button [^>]*data-testid="toolbar-${name}" aria-label="[^"]+"`));
    }
    expect(html).toContain('role="toolbar"');
    expect(html.match(/<button[^>]*tabindex="0"/g)).toHaveLength(1);
    expect(html.match(/<button[^>]*tabindex="-1"/g)).toHaveLength(10);
    expect(html).not.toContain('aria-pressed="true"');
    expect(html.match(/aria-pressed="false"/g)).toHaveLength(9);
    expect(html).toMatch(/data-testid="toolbar-bold"[^>]*title="Bold \(Ctrl\+B\)"/);
  });
});

describe('Toolbar pressed state', () => {
  it('follows the selection: bold text in an indented numbered item', () => {
    const cursor = at([1], 1);
    const html = render([bullet('a'), numbered([t('b', { bold: true })], 1)], true, { anchor: cursor, focus: cursor });
    const pressed = [...html.matchAll(/data-testid="toolbar-([a-z-]+)"[^>]*aria-pressed="true"/g)].map((m) => m[1]);
    expect(pressed).toEqual(['bold', 'numbered-list']);
  });
});
