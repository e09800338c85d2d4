import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createEditor, type Descendant, type Range } from 'slate';
import { Editable, Slate, withReact } from 'slate-react';
import { renderElement, renderLeaf } from './elements';
import { Toolbar } from './Toolbar';
import { at, h1, h2, li, ol, p, quote, t, ul } from './testHelpers';
import { withRichText } from './withRichText';

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

describe('renderElement / renderLeaf', () => {
  it('renders each block with its tag and data-block-type', () => {
    const html = render([h1('T'), h2('S'), p('x'), quote('q'), ul(li('a'), ol(li('b')))]);
    for (const [tag, type] of [
      ['h1', 'heading-one'],
      ['h2', 'heading-two'],
      ['p', 'paragraph'],
      ['blockquote', 'block-quote'],
      ['ul', 'bulleted-list'],
      ['ol', 'numbered-list'],
      ['li', 'list-item'],
    ]) {
      expect(html).toMatch(new RegExp(`<${tag} data-slate-node="element" data-block-type="${type}"`));
    }
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
  it('follows the selection: bold text in a nested numbered item', () => {
    const cursor = at([0, 1, 0], 1);
    const html = render([ul(li('a'), ol(li(t('b', { bold: true }))))], true, { anchor: cursor, focus: cursor });
    const pressed = [...html.matchAll(/data-testid="toolbar-([a-z-]+)"[^>]*aria-pressed="true"/g)].map((m) => m[1]);
    expect(pressed).toEqual(['bold', 'numbered-list']);
  });
});
