/**
 * Seeded random editing sessions through the plugin's commands and overrides:
 * after every action the list structure must be well-formed and a forced
 * normalization must have nothing left to do. A failure prints the seed, the
 * action log and the tree.
 */
import { describe, expect, it } from 'vitest';
import { Editor, Node, Text, Transforms, type Path } from 'slate';
import { MARKS } from '../../protocol/document';
import { indentListItem, outdentListItem, toggleBlock, toggleMark, type ToggleableBlock } from './commands';
import { listProblems, p, pendingNormalizationOps, setup } from './testHelpers';

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

function run(seed: number, steps: number) {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const editor = setup([p('one'), p('two'), p('three')]);
  const texts = (): [Text, Path][] => Array.from(Node.texts(editor));
  const randomPoint = () => {
    const [text, path] = pick(texts());
    return { path, offset: Math.floor(random() * (text.text.length + 1)) };
  };
  let maxDepth = 0;
  const log: string[] = [];

  for (let step = 0; step < steps; step++) {
    const anchor = randomPoint();
    Transforms.select(editor, random() < 0.8 ? anchor : { anchor, focus: randomPoint() });
    const action = pick(['type', 'shortcut', 'enter', 'backspace', 'tab', 'shiftTab', 'block', 'mark'] as const);
    log.push(`${action} at ${JSON.stringify(editor.selection)}`);
    switch (action) {
      case 'type':
        Editor.insertText(editor, pick(['x', 'yz', ' ']));
        break;
      case 'shortcut':
        Transforms.select(editor, Editor.start(editor, anchor.path));
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
    const context = `seed ${seed}, step ${step}:\n${log.join('\n')}\n${JSON.stringify(editor.children)}`;
    expect(listProblems(editor.children), context).toEqual([]);
    expect(pendingNormalizationOps(editor), context).toEqual([]);
    for (const [, path] of Node.texts(editor)) maxDepth = Math.max(maxDepth, path.length);
  }
  return { maxDepth };
}

describe('random editing sessions', () => {
  it('keep lists well-formed with nothing left to normalize (200 seeds × 60 steps)', () => {
    let deepest = 0;
    for (let seed = 1; seed <= 200; seed++) deepest = Math.max(deepest, run(seed, 60).maxDepth);
    // The sessions did reach nested lists (a text under list > list > list-item).
    expect(deepest).toBeGreaterThanOrEqual(4);
  });
});
