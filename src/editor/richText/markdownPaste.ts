/**
 * Paste of Markdown: plain text that reads as Markdown (src/common/formats/markdown.ts,
 * `looksLikeMarkdown`) is pasted as the blocks and marks it describes, the way
 * an import would read it. Anything else, and any copy from a Concord editor
 * (a Slate fragment), pastes as before.
 */
import type { Descendant, Editor } from 'slate';
import type { DOMEditor } from 'slate-dom';
import { looksLikeMarkdown, markdownToBlocks } from '../../common/formats/markdown';

/** Larger text is pasted as text: converting a megabyte of Markdown is not what a paste should wait for. */
const MAX_MARKDOWN_PASTE_CHARS = 1_000_000;

export function withMarkdownPaste<T extends Editor & Pick<DOMEditor, 'insertTextData'>>(editor: T): T {
  const { insertTextData } = editor;
  editor.insertTextData = (data: DataTransfer) => {
    const text = data.getData('text/plain');
    if (text && text.length <= MAX_MARKDOWN_PASTE_CHARS && looksLikeMarkdown(text)) {
      editor.insertFragment(markdownToBlocks(text) as unknown as Descendant[]);
      return true;
    }
    return insertTextData(data);
  };
  return editor;
}
