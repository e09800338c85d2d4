import { describe, expect, it, vi } from 'vitest';
import { createEditor, Editor } from 'slate';
import { withHistory } from 'slate-history';
import { handleRichTextKeyDown, type RichTextKeyEvent } from './hotkeys';
import { at, bullet, h1, p, recordOps, setup, t } from './testHelpers';

const KEY_CODES: Record<string, number> = { Tab: 9, '`': 192, End: 35, Home: 36, ArrowUp: 38, ArrowDown: 40 };

/** A keydown as is-hotkey sees it. Not on macOS in Node, so `mod` is Ctrl. */
function keydown(key: string, modifiers: Partial<Pick<RichTextKeyEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {}) {
  const event = {
    key,
    which: KEY_CODES[key] ?? key.toUpperCase().charCodeAt(0),
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...modifiers,
    preventDefault: vi.fn(),
  };
  return event;
}

describe('handleRichTextKeyDown', () => {
  it.each([
    ['b', 'bold'],
    ['i', 'italic'],
    ['u', 'underline'],
    ['e', 'code'],
  ] as const)('Ctrl+%s toggles %s on the selection', (key, mark) => {
    const editor = setup([p('ab')], [at([0], 0), at([0], 1)]);
    const event = keydown(key, { ctrlKey: true });
    expect(handleRichTextKeyDown(editor, event)).toBe(true);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(editor.children).toEqual([p(t('a', { [mark]: true }), t('b'))]);
    handleRichTextKeyDown(editor, keydown(key, { ctrlKey: true }));
    expect(editor.children).toEqual([p('ab')]);
  });

  it('Ctrl+` toggles inline code', () => {
    const editor = setup([p('ab')], [at([0], 0), at([0], 2)]);
    expect(handleRichTextKeyDown(editor, keydown('`', { ctrlKey: true }))).toBe(true);
    expect(editor.children).toEqual([p(t('ab', { code: true }))]);
  });

  it('Ctrl+Alt+1 toggles heading one', () => {
    const editor = setup([p('x')], at([0]));
    expect(handleRichTextKeyDown(editor, keydown('1', { ctrlKey: true, altKey: true }))).toBe(true);
    expect(editor.children).toEqual([h1('x')]);
  });

  it('Ctrl+Z undoes and Ctrl+Shift+Z / Ctrl+Y redo (slate-history as a stand-in for withYHistory)', () => {
    const editor = setup([p('a')], at([0], 1), withHistory(createEditor()) as unknown as Editor);
    Editor.insertText(editor, 'b');
    const undo = keydown('z', { ctrlKey: true });
    expect(handleRichTextKeyDown(editor, undo)).toBe(true);
    expect(undo.preventDefault).toHaveBeenCalled();
    expect(editor.children).toEqual([p('a')]);
    expect(handleRichTextKeyDown(editor, keydown('z', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(editor.children).toEqual([p('ab')]);
    handleRichTextKeyDown(editor, keydown('z', { ctrlKey: true }));
    expect(editor.children).toEqual([p('a')]);
    expect(handleRichTextKeyDown(editor, keydown('y', { ctrlKey: true }))).toBe(true);
    expect(editor.children).toEqual([p('ab')]);
  });

  it('undo/redo without a history plugin are handled and change nothing', () => {
    const editor = setup([p('a')], at([0]));
    const event = keydown('z', { ctrlKey: true });
    const ops = recordOps(editor, () => expect(handleRichTextKeyDown(editor, event)).toBe(true));
    expect(event.preventDefault).toHaveBeenCalled();
    expect(ops).toEqual([]);
  });

  it('Tab / Shift+Tab change the indent of a list item; Shift+Tab at indent 0 makes a paragraph', () => {
    const editor = setup([bullet('a'), bullet('b')], at([1]));
    const tab = keydown('Tab');
    expect(handleRichTextKeyDown(editor, tab)).toBe(true);
    expect(tab.preventDefault).toHaveBeenCalled();
    expect(editor.children).toEqual([bullet('a'), bullet('b', 1)]);
    handleRichTextKeyDown(editor, keydown('Tab'));
    expect(editor.children).toEqual([bullet('a'), bullet('b', 2)]);
    expect(handleRichTextKeyDown(editor, keydown('Tab', { shiftKey: true }))).toBe(true);
    expect(editor.children).toEqual([bullet('a'), bullet('b', 1)]);
    handleRichTextKeyDown(editor, keydown('Tab', { shiftKey: true }));
    handleRichTextKeyDown(editor, keydown('Tab', { shiftKey: true }));
    expect(editor.children).toEqual([bullet('a'), p('b')]);
  });

  it('Tab outside a list is swallowed: no focus change, no edit', () => {
    const editor = setup([p('a')], at([0], 1));
    const tab = keydown('Tab');
    const ops = recordOps(editor, () => expect(handleRichTextKeyDown(editor, tab)).toBe(true));
    expect(tab.preventDefault).toHaveBeenCalled();
    expect(ops).toEqual([]);
    expect(editor.children).toEqual([p('a')]);
  });

  it.each([
    ['Ctrl+End', 'End', { ctrlKey: true }],
    ['Cmd+Down', 'ArrowDown', { metaKey: true }],
  ] as const)('%s puts the caret at the very end of the document, Ctrl+Shift+Home then selects it all', (_name, key, modifiers) => {
    const editor = setup([p('first'), p('middle'), p('last')], [at([1, 0], 2), at([1, 0], 2)]);
    const event = keydown(key, modifiers);
    expect(handleRichTextKeyDown(editor, event)).toBe(true);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(editor.selection).toEqual({ anchor: { path: [2, 0], offset: 4 }, focus: { path: [2, 0], offset: 4 } });
    handleRichTextKeyDown(editor, keydown('Home', { ctrlKey: true, shiftKey: true }));
    expect(editor.selection).toEqual({ anchor: { path: [2, 0], offset: 4 }, focus: { path: [0, 0], offset: 0 } });
  });

  it('Ctrl+Home puts the caret at the very start; Ctrl+Shift+End selects from the caret to the end', () => {
    const editor = setup([p('first'), p('middle'), p('last')], [at([1, 0], 2), at([1, 0], 2)]);
    handleRichTextKeyDown(editor, keydown('Home', { ctrlKey: true }));
    expect(editor.selection).toEqual({ anchor: { path: [0, 0], offset: 0 }, focus: { path: [0, 0], offset: 0 } });
    handleRichTextKeyDown(editor, keydown('ArrowDown', { metaKey: true, shiftKey: true }));
    expect(editor.selection).toEqual({ anchor: { path: [0, 0], offset: 0 }, focus: { path: [2, 0], offset: 4 } });
  });

  it('ignores other keys and keys during IME composition', () => {
    const editor = setup([p('a')], at([0]));
    const plain = keydown('b');
    expect(handleRichTextKeyDown(editor, plain)).toBe(false);
    expect(plain.preventDefault).not.toHaveBeenCalled();
    const composing = { ...keydown('b', { ctrlKey: true }), isComposing: true };
    expect(handleRichTextKeyDown(editor, composing)).toBe(false);
    expect(editor.children).toEqual([p('a')]);
  });
});
