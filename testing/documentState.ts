/**
 * What a user sees in the editor, read from the DOM: blocks with their types,
 * and text runs with their marks. Two tabs show the same document when these
 * are deep-equal. Slate's zero-width placeholders (\uFEFF) are not text.
 */
import type { Page } from '@playwright/test';

export interface TextRun {
  text: string;
  marks: string[];
}
export interface BlockState {
  type: string;
  children: Array<BlockState | TextRun>;
}

export function readDocument(page: Page): Promise<BlockState[]> {
  return page.evaluate(() => {
    const MARK_TAGS: Record<string, string> = { STRONG: 'bold', EM: 'italic', U: 'underline', CODE: 'code' };
    const runs = (textNode: Element) =>
      [...textNode.querySelectorAll('[data-slate-leaf]')].map((leaf) => {
        const marks = [...leaf.querySelectorAll('*')].map((el) => MARK_TAGS[el.tagName]).filter(Boolean).sort();
        const string = leaf.querySelector('[data-slate-string]');
        return { text: (string?.textContent ?? '').replace(/\uFEFF/g, ''), marks };
      });
    const walk = (element: Element): Array<unknown> => {
      const out: unknown[] = [];
      for (const child of element.children) {
        const type = (child as HTMLElement).dataset.blockType;
        if (type) out.push({ type, children: walk(child) });
        else if (child.getAttribute('data-slate-node') === 'text') out.push(...runs(child));
        else out.push(...walk(child));
      }
      return out;
    };
    const root = document.querySelector('[data-slate-editor]');
    return (root ? walk(root) : []) as never;
  });
}

/** The plain text of a document state, blocks separated by newlines. */
export function plainText(blocks: Array<BlockState | TextRun>): string {
  return blocks
    .map((node) => ('text' in node ? node.text : plainText(node.children)))
    .join('text' in (blocks[0] ?? {}) ? '' : '\n');
}
