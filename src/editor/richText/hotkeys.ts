/**
 * Keyboard shortcuts of the rich-text layer. `mod` is Cmd on macOS and Ctrl
 * elsewhere (is-hotkey decides from the user agent).
 */
import isHotkey, { type KeyboardEventLike } from 'is-hotkey';
import { Editor, Transforms } from 'slate';
import { ReactEditor } from 'slate-react';
import { BlockType, type Mark } from '../../protocol/document';
import { indentListItem, isInList, outdentListItem, toggleBlock, toggleMark, type ToggleableBlock } from './commands';

/** The fields of a DOM or React keyboard event that the handler reads. */
export interface RichTextKeyEvent extends KeyboardEventLike {
  preventDefault(): void;
  /** Set while an IME composes text; shortcuts must not fire then. */
  nativeEvent?: { isComposing?: boolean };
  isComposing?: boolean;
}

/** Shortcut of each mark, also shown in the toolbar's titles. */
export const MARK_HOTKEYS: Readonly<Record<Mark, readonly string[]>> = {
  bold: ['mod+b'],
  italic: ['mod+i'],
  underline: ['mod+u'],
  code: ['mod+e', 'ctrl+`'],
};

export const BLOCK_HOTKEYS: ReadonlyArray<readonly [string, ToggleableBlock]> = [
  ['mod+alt+1', BlockType.headingOne],
  ['mod+alt+2', BlockType.headingTwo],
];

export const UNDO_HOTKEY = 'mod+z';
export const REDO_HOTKEYS = ['mod+shift+z', 'ctrl+y'] as const;

const isUndo = isHotkey(UNDO_HOTKEY);
const isRedo = isHotkey([...REDO_HOTKEYS]);
const isTab = isHotkey('tab');
/**
 * The caret to the start or end of the document (Ctrl+Home / Ctrl+End, and
 * Cmd+↑ / Cmd+↓ on macOS), with Shift extending the selection there. Done by
 * Slate, not left to the browser: Chrome places the caret from layout, and a
 * big document's off-screen chunks have none (`content-visibility: auto`), so
 * its Ctrl+End put the caret at the start of the last paragraph.
 */
const documentEdgeMatchers = [
  ['start', false, isHotkey(['ctrl+home', 'meta+up'])],
  ['end', false, isHotkey(['ctrl+end', 'meta+down'])],
  ['start', true, isHotkey(['ctrl+shift+home', 'meta+shift+up'])],
  ['end', true, isHotkey(['ctrl+shift+end', 'meta+shift+down'])],
] as const;
const isShiftTab = isHotkey('shift+tab');
const markMatchers = (Object.keys(MARK_HOTKEYS) as Mark[]).map((mark) => [mark, isHotkey([...MARK_HOTKEYS[mark]])] as const);
const blockMatchers = BLOCK_HOTKEYS.map(([hotkey, format]) => [format, isHotkey(hotkey)] as const);

/** Calls `editor.undo()` / `editor.redo()` when the editor has them (withYHistory adds them). */
export function runHistory(editor: Editor, action: 'undo' | 'redo'): void {
  const fn = (editor as Partial<Record<'undo' | 'redo', unknown>>)[action];
  if (typeof fn === 'function') fn.call(editor);
}

/**
 * Handles a keydown in the editor. Returns true (after preventDefault) when the
 * key was a rich-text shortcut, so the caller skips its own handling.
 */
export function handleRichTextKeyDown(editor: Editor, event: RichTextKeyEvent): boolean {
  if (event.isComposing || event.nativeEvent?.isComposing) return false;

  for (const [mark, matches] of markMatchers) {
    if (matches(event)) {
      event.preventDefault();
      toggleMark(editor, mark);
      return true;
    }
  }
  for (const [format, matches] of blockMatchers) {
    if (matches(event)) {
      event.preventDefault();
      toggleBlock(editor, format);
      return true;
    }
  }
  if (isUndo(event)) {
    event.preventDefault();
    runHistory(editor, 'undo');
    return true;
  }
  if (isRedo(event)) {
    event.preventDefault();
    runHistory(editor, 'redo');
    return true;
  }
  for (const [edge, extend, matches] of documentEdgeMatchers) {
    if (matches(event)) {
      event.preventDefault();
      moveToDocumentEdge(editor, edge, extend);
      return true;
    }
  }
  // Tab never leaves the editor mid-typing: in a list it indents, elsewhere it is a no-op.
  if (isTab(event)) {
    event.preventDefault();
    if (isInList(editor)) indentListItem(editor);
    return true;
  }
  if (isShiftTab(event)) {
    event.preventDefault();
    if (isInList(editor)) outdentListItem(editor);
    return true;
  }
  return false;
}

/** Puts the caret at the document's start or end, or (`extend`) moves the selection's focus there, and shows it. */
export function moveToDocumentEdge(editor: Editor, edge: 'start' | 'end', extend: boolean): void {
  const point = edge === 'start' ? Editor.start(editor, []) : Editor.end(editor, []);
  if (extend && editor.selection) Transforms.select(editor, { anchor: editor.selection.anchor, focus: point });
  else Transforms.select(editor, point);
  revealBlock(editor, point.path.slice(0, 1), edge);
}

/**
 * Scrolls a block into view, and again on the next frames: slate-react scrolls
 * to the caret from layout, and the chunks it scrolls past have an estimated
 * height until they are laid out, so one scroll to the end of a big document
 * stopped dozens of paragraphs short of it.
 */
function revealBlock(editor: Editor, path: number[], edge: 'start' | 'end', frames = 3): void {
  if (typeof requestAnimationFrame !== 'function') return;
  requestAnimationFrame(() => {
    try {
      ReactEditor.toDOMNode(editor as ReactEditor, Editor.node(editor, path)[0]).scrollIntoView({ block: edge === 'start' ? 'start' : 'end' });
    } catch {
      return; // not rendered (or not a React editor): nothing to show
    }
    if (frames > 1) revealBlock(editor, path, edge, frames - 1);
  });
}
