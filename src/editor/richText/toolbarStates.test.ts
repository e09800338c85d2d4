/**
 * The toolbar's pressed states are read after every change, a peer's
 * keystroke included: they equal what isMarkActive / isBlockActive say for each
 * button, and are read with one Editor.marks and one walk of the selected
 * lines for all eleven buttons, not one per button.
 */
import { Editor, type Descendant, type Point } from 'slate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockType } from '../../protocol/document';
import { isBlockActive, isMarkActive, type ToggleableBlock } from './commands';
import { at, bullet, h1, numbered, p, quote, setup, t } from './testHelpers';
import { pressedStates } from './Toolbar';

const MARKS = ['bold', 'italic', 'underline', 'code'] as const;
const BLOCKS: ToggleableBlock[] = [BlockType.headingOne, BlockType.headingTwo, BlockType.bulletedList, BlockType.numberedList, BlockType.blockQuote];

/** The states the buttons had when each asked on its own (the toolbar's item order: marks, blocks, undo, redo). */
const oneByOne = (editor: Editor) =>
  [...MARKS.map((mark) => (isMarkActive(editor, mark) ? '1' : '0')), ...BLOCKS.map((format) => (isBlockActive(editor, format) ? '1' : '0')), '-', '-'].join('');

const cases: Array<[string, Descendant[], Point | [Point, Point] | undefined]> = [
  ['no selection', [p('a')], undefined],
  ['bold text in a heading', [h1(t('a', { bold: true })), p('b')], at([0], 1)],
  ['italic code in an indented numbered item', [bullet('a'), numbered([t('bc', { italic: true, code: true })], 1)], at([1], 1)],
  ['two numbered items', [numbered('a'), numbered('b')], [at([0]), at([1], 1)]],
  ['a numbered and a bulleted item', [numbered('a'), bullet('b')], [at([0]), at([1], 1)]],
  ['a quote', [quote(t('q', { underline: true }))], at([0], 0)],
];

afterEach(() => vi.restoreAllMocks());

describe('Toolbar pressedStates', () => {
  it.each(cases)('R-TOOLBAR1: equals each button\'s own isMarkActive / isBlockActive: %s', (_name, children, cursor) => {
    const editor = setup(children, cursor);
    expect(pressedStates(editor)).toBe(oneByOne(editor));
  });

  it('R-TOOLBAR1: reads the marks once for all the buttons (was once per mark button)', () => {
    const editor = setup([h1(t('a', { bold: true })), p('b')], at([0], 1));
    const marks = vi.spyOn(Editor, 'marks');
    const nodes = vi.spyOn(Editor, 'nodes');
    expect(pressedStates(editor)).toBe('100010000--');
    expect(marks).toHaveBeenCalledTimes(1); // one per mark button: 4
    expect(nodes.mock.calls.filter(([, options]) => options?.mode === 'lowest')).toHaveLength(1); // the selected lines, one per block button: 5
  });
});
