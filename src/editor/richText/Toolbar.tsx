/**
 * The formatting toolbar. Render it inside `<Slate>`: its pressed states follow
 * the selection through `useSlateSelector`, so it re-renders only when one of
 * them changes, not on every change to the document (a peer's keystroke
 * re-rendered all eleven buttons: about half of the component render time in
 * a CPU profile of a watching tab, bench/propagation.ts with PROFILE_DIR).
 *
 * Buttons act on click (mouse, Enter or Space). Mouse-down is prevented so a
 * mouse click never takes focus, and so the selection, away from the editor.
 * Keyboard: the toolbar is one Tab stop; Left/Right/Home/End move between
 * buttons (WAI-ARIA toolbar pattern).
 */
import { Fragment, useRef, useState, type JSX, type KeyboardEvent } from 'react';
import { useSlateSelector, useSlateStatic } from 'slate-react';
import { Editor, type NodeEntry } from 'slate';
import { BlockType, type Mark } from '../../protocol/document';
import type { BlockElement } from '../schema';
import { blocksHaveFormat, marksHave, selectedTextBlocks, toggleBlock, toggleMark, type ToggleableBlock } from './commands';
import { runHistory } from './hotkeys';
import './richText.css';

/** Class of the toolbar's root element (scopes richText.css). */
export const TOOLBAR_CLASS = 'concord-toolbar';

interface ToolbarItem {
  /** Suffix of `data-testid="toolbar-<name>"`. */
  name: string;
  label: string;
  glyph: string;
  /** Shortcut as written for the title, with `Mod` standing for Ctrl or ⌘. */
  shortcut?: string;
  isActive?: (at: SelectionFormats) => boolean;
  run: (editor: Editor) => void;
  /** Group index; a separator is drawn between groups. */
  group: number;
}

const markItem = (mark: Mark, label: string, glyph: string, shortcut: string): ToolbarItem => ({
  name: mark,
  label,
  glyph,
  shortcut,
  isActive: ({ marks }) => marksHave(marks, mark),
  run: (editor) => toggleMark(editor, mark),
  group: 0,
});

const blockItem = (format: ToggleableBlock, label: string, glyph: string, group: number, shortcut?: string): ToolbarItem => ({
  name: format,
  label,
  glyph,
  shortcut,
  isActive: ({ blocks }) => blocksHaveFormat(blocks, format),
  run: (editor) => toggleBlock(editor, format),
  group,
});

const ITEMS: readonly ToolbarItem[] = [
  markItem('bold', 'Bold', 'B', 'Mod+B'),
  markItem('italic', 'Italic', 'I', 'Mod+I'),
  markItem('underline', 'Underline', 'U', 'Mod+U'),
  markItem('code', 'Inline code', '</>', 'Mod+E'),
  blockItem(BlockType.headingOne, 'Heading 1', 'H1', 1, 'Mod+Alt+1, or "# "'),
  blockItem(BlockType.headingTwo, 'Heading 2', 'H2', 1, 'Mod+Alt+2, or "## "'),
  blockItem(BlockType.bulletedList, 'Bulleted list', '•', 2, '"- " or "* "'),
  blockItem(BlockType.numberedList, 'Numbered list', '1.', 2, '"1. "'),
  blockItem(BlockType.blockQuote, 'Quote', '❝', 2, '"> "'),
  { name: 'undo', label: 'Undo', glyph: '↶', shortcut: 'Mod+Z', run: (editor) => runHistory(editor, 'undo'), group: 3 },
  { name: 'redo', label: 'Redo', glyph: '↷', shortcut: 'Mod+Shift+Z', run: (editor) => runHistory(editor, 'redo'), group: 3 },
];

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

function shortcutText(shortcut: string): string {
  return IS_MAC ? shortcut.replace(/Mod\+/g, '⌘').replace(/Alt\+/g, '⌥').replace(/Shift\+/g, '⇧') : shortcut.replace(/Mod/g, 'Ctrl');
}

export interface ToolbarProps {
  /** Extra class on the root, e.g. for placement by the page. */
  className?: string;
}

/** What the pressed states are read from, looked up once for all the buttons. */
interface SelectionFormats {
  /** Slate's Editor.marks: the marks at the selection, or pending ones. */
  marks: ReturnType<typeof Editor.marks>;
  /** The lines the selection touches (selectedTextBlocks). */
  blocks: NodeEntry<BlockElement>[];
}

/**
 * Each item's pressed state: true, false, or null for an item that has none
 * (undo, redo). Runs after every change, a peer's keystroke included: the
 * marks and the selected lines are looked up once here, not once per button
 * (four Editor.marks and five walks of the selection per remote keystroke were
 * a sixth of a watching tab's work for it in a CPU profile).
 */
export function pressedStates(editor: Editor): string {
  const at: SelectionFormats = { marks: Editor.marks(editor), blocks: selectedTextBlocks(editor) };
  return ITEMS.map((item) => (item.isActive ? (item.isActive(at) ? '1' : '0') : '-')).join('');
}

export function Toolbar({ className }: ToolbarProps): JSX.Element {
  const editor = useSlateStatic();
  const pressedNow = useSlateSelector(pressedStates); // a string: equal states compare equal
  const [focusIndex, setFocusIndex] = useState(0);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  const moveFocus = (index: number) => {
    const next = (index + ITEMS.length) % ITEMS.length;
    setFocusIndex(next);
    buttons.current[next]?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => moveFocus(focusIndex + 1),
      ArrowLeft: () => moveFocus(focusIndex - 1),
      Home: () => moveFocus(0),
      End: () => moveFocus(ITEMS.length - 1),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  return (
    <div
      className={className ? `${TOOLBAR_CLASS} ${className}` : TOOLBAR_CLASS}
      role="toolbar"
      aria-label="Formatting"
      onKeyDown={onKeyDown}
    >
      {ITEMS.map((item, index) => {
        const title = item.shortcut ? `${item.label} (${shortcutText(item.shortcut)})` : item.label;
        const pressed = pressedNow[index] === '-' ? undefined : pressedNow[index] === '1';
        return (
          <Fragment key={item.name}>
            {index > 0 && ITEMS[index - 1].group !== item.group && (
              <span className="concord-toolbar__separator" role="separator" aria-orientation="vertical" />
            )}
            <button
              ref={(el) => {
                buttons.current[index] = el;
              }}
              type="button"
              className={`concord-toolbar__button concord-toolbar__button--${item.name}`}
              data-testid={`toolbar-${item.name}`}
              aria-label={item.label}
              aria-pressed={pressed}
              title={title}
              tabIndex={index === focusIndex ? 0 : -1}
              onFocus={() => setFocusIndex(index)}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => item.run(editor)}
            >
              {item.glyph}
            </button>
          </Fragment>
        );
      })}
    </div>
  );
}
