import fc from 'fast-check';
import { createEditor, type Descendant } from 'slate';
import { withReact } from 'slate-react';
import { describe, expect, it } from 'vitest';
import { exportFileName, type DocumentBlock } from './blocks';
import { blocksToHtml } from './html';
import { blocksToMarkdown, looksLikeMarkdown, markdownToBlocks, type ImportedBlock } from './markdown';
import { withMarkdownPaste } from '../../editor/richText/markdownPaste';
import { blocksToPlainText } from './plainText';

const MARK_NAMES = ['bold', 'italic', 'underline', 'code'] as const;

/** Text Markdown keeps as written: no edge whitespace, no line breaks (hard breaks are tested apart). */
const word = fc.stringMatching(/^[A-Za-z0-9*_`#<>\[\]!\\&.()+-]{1,8}$/);
const phrase = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));
const leaf = fc.record({ text: phrase, marks: fc.subarray([...MARK_NAMES]) }).map(({ text, marks }) => ({ text, ...Object.fromEntries(marks.map((m) => [m, true])) }));
/** Leaves side by side, or with a plain space between (differently marked text inside a word included). */
const leaves = fc
  .array(fc.tuple(leaf, fc.boolean()), { minLength: 1, maxLength: 4 })
  .map((list) => list.flatMap(([l, spaced], i) => (i > 0 && spaced ? [{ text: ' ' }, l] : [l])));
const flatBlock = fc.oneof(
  leaves.map((children) => ({ type: 'paragraph', children })),
  leaves.map((children) => ({ type: 'heading-one', children })),
  leaves.map((children) => ({ type: 'heading-two', children })),
  leaves.map((children) => ({ type: 'block-quote', children })),
  fc.record({ listType: fc.constantFrom('bulleted', 'numbered'), indent: fc.nat(3), children: leaves }).map((item) => ({ type: 'list-item', ...item })),
);

/** What the editor's value normalises to: adjacent leaves with equal marks joined; list indents reachable from the previous item. */
function normalise(blocks: Array<Record<string, unknown>>): ImportedBlock[] {
  let previousIndent = -1;
  return blocks.map((block) => {
    const children: Array<Record<string, unknown>> = [];
    for (const child of block.children as Array<Record<string, unknown>>) {
      const last = children[children.length - 1];
      const key = (l: Record<string, unknown>) => MARK_NAMES.filter((m) => l[m]).join();
      if (last && key(last) === key(child)) last.text = `${last.text}${child.text}`;
      else children.push({ ...child });
    }
    if (block.type !== 'list-item') {
      previousIndent = -1;
      return { ...block, children } as unknown as ImportedBlock;
    }
    const indent = Math.min(block.indent as number, previousIndent + 1);
    previousIndent = indent;
    return { ...block, indent, children } as unknown as ImportedBlock;
  });
}

describe('Markdown', () => {
  it('V9: round trip: headings, lists with indents, quotes, bold/italic/underline/code survive export then import', () => {
    fc.assert(
      fc.property(fc.array(flatBlock, { minLength: 1, maxLength: 8 }), (generated) => {
        const blocks = normalise(generated as Array<Record<string, unknown>>);
        const markdown = blocksToMarkdown(blocks as unknown as DocumentBlock[]);
        expect(markdownToBlocks(markdown), markdown).toEqual(blocks);
      }),
      { numRuns: 300 },
    );
  });

  it('V9: writes what readers expect and keeps line breaks inside a block', () => {
    const blocks = [
      { type: 'heading-two', children: [{ text: 'Notes' }] },
      { type: 'paragraph', children: [{ text: 'line one\nline two' }] },
      { type: 'paragraph', children: [{ text: '' }] },
      { type: 'list-item', listType: 'numbered', indent: 0, children: [{ text: 'first' }] },
      { type: 'list-item', listType: 'numbered', indent: 0, children: [{ text: 'second ' }, { text: 'bold', bold: true }] },
    ];
    const markdown = blocksToMarkdown(blocks);
    expect(markdown).toBe('## Notes\n\nline one\\\nline two\n\n1. first\n2. second **bold**\n');
    expect(markdownToBlocks(markdown)).toEqual([blocks[0], blocks[1], blocks[3], { ...blocks[4], children: [{ text: 'second ' }, { text: 'bold', bold: true }] }]);
  });

  it('V9: imports what the editor cannot show as the nearest it can', () => {
    expect(markdownToBlocks('### Deep\n\n```\ncode line\n```\n\n[link text](http://x) ![alt](y.png)\n\n---\n\n<div>raw</div>\n')).toEqual([
      { type: 'heading-two', children: [{ text: 'Deep' }] },
      { type: 'paragraph', children: [{ text: 'code line', code: true }] },
      { type: 'paragraph', children: [{ text: 'link text alt' }] },
      { type: 'paragraph', children: [{ text: '<div>raw</div>' }] },
    ]);
    expect(markdownToBlocks('')).toEqual([{ type: 'paragraph', children: [{ text: '' }] }]);
    expect(markdownToBlocks('soft\nwrapped')).toEqual([{ type: 'paragraph', children: [{ text: 'soft wrapped' }] }]);
  });

  it('V9: tells Markdown from plain text', () => {
    for (const text of ['# Title', 'a\n- item', '1. first', '> quote', 'some **bold**', 'run `npm ci`', '<u>u</u>', '```\ncode\n```']) expect(looksLikeMarkdown(text), text).toBe(true);
    for (const text of ['plain words', 'a*b*c', '2 - 1 = 1', 'price: 5 * 3', 'snake_case_name']) expect(looksLikeMarkdown(text), text).toBe(false);
  });
});

describe('HTML and plain text', () => {
  const blocks = [
    { type: 'heading-one', children: [{ text: 'Plan <&>' }] },
    { type: 'paragraph', children: [{ text: 'a ' }, { text: 'b', bold: true, italic: true, underline: true, code: true }, { text: '\nc' }] },
    { type: 'list-item', listType: 'bulleted', indent: 0, children: [{ text: 'x' }] },
    { type: 'list-item', listType: 'bulleted', indent: 1, children: [{ text: 'y' }] },
    { type: 'list-item', listType: 'numbered', indent: 0, children: [{ text: 'n1' }] },
    { type: 'list-item', listType: 'numbered', indent: 0, children: [{ text: 'n2' }] },
    { type: 'block-quote', children: [{ text: 'q1' }] },
    { type: 'block-quote', children: [{ text: 'q2' }] },
  ];

  it('V9: HTML: a complete, escaped document with semantic lists and marks', () => {
    expect(blocksToHtml(blocks, 'T & T')).toBe(
      '<!doctype html><html><head><meta charset="utf-8"><title>T &#x26; T</title></head><body>' +
        '<h1>Plan &#x3C;&#x26;></h1><p>a <u><strong><em><code>b</code></em></strong></u><br>c</p>' +
        '<ul><li>x<ul><li>y</li></ul></li></ul><ol><li>n1</li><li>n2</li></ol><blockquote><p>q1</p><p>q2</p></blockquote></body></html>\n',
    );
  });

  it('V9: plain text: one line per block, list markers and numbers as shown', () => {
    expect(blocksToPlainText(blocks)).toBe('Plan <&>\na b\nc\n- x\n  - y\n1. n1\n2. n2\nq1\nq2\n');
  });

  it('V9: legacy nested lists export like flat ones', () => {
    const legacy = [{ type: 'numbered-list', children: [{ type: 'list-item', children: [{ text: 'one' }] }, { type: 'bulleted-list', children: [{ type: 'list-item', children: [{ text: 'inner' }] }] }] }];
    expect(blocksToMarkdown(legacy)).toBe('1. one\n   - inner\n');
    expect(blocksToPlainText(legacy)).toBe('1. one\n  - inner\n');
  });

  it('V9: file names come from the title, else the room', () => {
    expect(exportFileName('Trip: Ōsaka & Kyōto!', 'r1', null, 'md')).toBe('trip-osaka-kyoto.md');
    expect(exportFileName('   ', 'r1', 3, 'html')).toBe('r1-version-3.html');
  });
});

describe('paste of Markdown', () => {
  const paste = (text: string) => {
    const editor = withMarkdownPaste(withReact(createEditor()));
    editor.children = [{ type: 'paragraph', children: [{ text: '' }] }] as Descendant[];
    editor.selection = { anchor: { path: [0, 0], offset: 0 }, focus: { path: [0, 0], offset: 0 } };
    const data = { getData: (type: string) => (type === 'text/plain' ? text : ''), types: ['text/plain'] } as unknown as DataTransfer;
    editor.insertTextData(data);
    return editor.children;
  };

  it('V9: becomes blocks and marks', () => {
    expect(paste('## Title\n\n- **one**\n- two')).toEqual([
      { type: 'heading-two', children: [{ text: 'Title' }] },
      { type: 'list-item', listType: 'bulleted', indent: 0, children: [{ text: 'one', bold: true }] },
      { type: 'list-item', listType: 'bulleted', indent: 0, children: [{ text: 'two' }] },
    ]);
  });

  it('V9: plain text stays plain text', () => {
    expect(paste('just words, 2 * 3 = 6')).toEqual([{ type: 'paragraph', children: [{ text: 'just words, 2 * 3 = 6' }] }]);
  });
});
