/**
 * Seeded random editing sessions through the plugin's commands and overrides:
 * after every action the document must fit the flat list model, a forced
 * normalization must have nothing left to do, and no node may ever have been
 * moved; the list commands (Tab, Shift+Tab, block toggles) may only set
 * attributes. A failure prints the seed, the action log and the tree.
 */
import { describe, expect, it } from 'vitest';
import { Editor, Node, Point, Range, Text, Transforms, type Path } from 'slate';
import { MARKS } from '../../protocol/document';
import { indentListItem, outdentListItem, toggleBlock, toggleMark, type ToggleableBlock } from './commands';
import { isListItem } from './lists';
import { docOpTypes, flatListProblems, p, pendingNormalizationOps, setup } from './testHelpers';

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const BLOCKS: ToggleableBlock[] = ['paragraph', 'heading-one', 'heading-two', 'block-quote', 'bulleted-list', 'numbered-list'];
const SHORTCUTS = ['# ', '## ', '- ', '* ', '1. ', '> '];

/** Whether Enter / Backspace will take the list branch: Enter in an empty item, Backspace at an item's start. */
function listRuleApplies(editor: Editor, action: string): boolean {
  const { selection } = editor;
  if (!selection || !Range.isCollapsed(selection) || (action !== 'enter' && action !== 'backspace')) return false;
  const [block, path] = Editor.node(editor, selection.anchor.path.slice(0, 1));
  if (!isListItem(block)) return false;
  return action === 'enter' ? Node.string(block) === '' : Point.equals(selection.anchor, Editor.start(editor, path));
}

function run(seed: number, steps: number) {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const editor = setup([p('one'), p('two'), p('three')]);
  const texts = (): [Text, Path][] => Array.from(Node.texts(editor));
  const randomPoint = () => {
    const [text, path] = pick(texts());
    return { path, offset: Math.floor(random() * (text.text.length + 1)) };
  };
  const reached = { maxIndent: 0, numbered: 0 };
  const log: string[] = [];

  for (let step = 0; step < steps; step++) {
    const anchor = randomPoint();
    Transforms.select(editor, random() < 0.8 ? anchor : { anchor, focus: randomPoint() });
    const action = pick(['type', 'shortcut', 'enter', 'backspace', 'tab', 'shiftTab', 'block', 'mark'] as const);
    log.push(`${action} at ${JSON.stringify(editor.selection)}`);
    const listRule = listRuleApplies(editor, action);
    const ops = docOpTypes(editor, () => act(action, anchor.path));
    const context = `seed ${seed}, step ${step}:\n${log.join('\n')}\n${JSON.stringify(editor.children)}`;
    expect(ops, context).not.toContain('move_node');
    if (action === 'tab' || action === 'shiftTab' || action === 'block' || listRule) {
      expect(ops.filter((type) => type !== 'set_node'), context).toEqual([]);
    }
    expect(flatListProblems(editor.children), context).toEqual([]);
    expect(pendingNormalizationOps(editor), context).toEqual([]);
    for (const node of editor.children) {
      if (!isListItem(node)) continue;
      reached.maxIndent = Math.max(reached.maxIndent, node.indent ?? 0);
      if (node.listType === 'numbered') reached.numbered++;
    }
  }
  return reached;

  function act(action: string, anchorPath: Path) {
    switch (action) {
      case 'type':
        Editor.insertText(editor, pick(['x', 'yz', ' ']));
        break;
      case 'shortcut':
        Transforms.select(editor, Editor.start(editor, anchorPath));
        for (const ch of pick(SHORTCUTS)) Editor.insertText(editor, ch);
        break;
      case 'enter':
        Editor.insertBreak(editor);
        break;
      case 'backspace':
        Editor.deleteBackward(editor);
        break;
      case 'tab':
        indentListItem(editor);
        break;
      case 'shiftTab':
        outdentListItem(editor);
        break;
      case 'block':
        toggleBlock(editor, pick(BLOCKS));
        break;
      case 'mark':
        toggleMark(editor, pick(MARKS));
        break;
    }
  }
}

describe('random editing sessions', () => {
  it('keep the flat list model, move no node, leave nothing to normalize (200 seeds × 60 steps)', () => {
    let maxIndent = 0;
    let numberedSeen = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const reached = run(seed, 60);
      maxIndent = Math.max(maxIndent, reached.maxIndent);
      numberedSeen += reached.numbered;
    }
    // The sessions did real work: numbered items, and indents well past one level.
    expect(numberedSeen).toBeGreaterThan(100);
    expect(maxIndent).toBeGreaterThanOrEqual(3);
  });
});
