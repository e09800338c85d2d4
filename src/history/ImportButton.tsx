/**
 * `[data-testid=import]`: replaces the document with a Markdown file, as one
 * new edit (undoable, and in history like any other). A document with content
 * asks first (`[data-testid=import-confirm]`).
 */
import { useRef, useState } from 'react';
import type * as Y from 'yjs';
import { blockText, type DocumentBlock } from '../common/formats/blocks';
import { markdownToBlocks, type ImportedBlock } from '../common/formats/markdown';
import { applyDocument, currentDocument } from './restore';

/** Larger files are refused: a Markdown document this size is a book. */
export const MAX_IMPORT_BYTES = 5 * 1_048_576;

function isEmpty(doc: Y.Doc): boolean {
  const { blocks } = currentDocument(doc);
  return blocks.length === 0 || (blocks.length === 1 && blockText(blocks[0] as unknown as DocumentBlock) === '');
}

export function ImportButton({ doc }: { doc: Y.Doc }) {
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<{ name: string; blocks: ImportedBlock[] } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const apply = (name: string, blocks: ImportedBlock[]) => {
    applyDocument(doc, { blocks });
    setPending(null);
    setMessage(`Imported ${name}: ${blocks.length} block${blocks.length === 1 ? '' : 's'}. Undo takes it back.`);
  };

  const chosen = async (file: File | undefined) => {
    if (input.current) input.current.value = '';
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setMessage(`${file.name} is ${(file.size / 1_048_576).toFixed(1)} MB; files up to ${MAX_IMPORT_BYTES / 1_048_576} MB can be imported.`);
      return;
    }
    const blocks = markdownToBlocks(await file.text());
    if (isEmpty(doc)) apply(file.name, blocks);
    else setPending({ name: file.name, blocks });
  };

  return (
    <div className="import-box">
      <button type="button" className="tool-button" data-testid="import" onClick={() => input.current?.click()} title="Replace this document with a Markdown file">
        Import…
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="import-file"
        accept=".md,.markdown,.txt,text/markdown,text/plain"
        onChange={(event) => void chosen(event.target.files?.[0])}
      />
      {pending && (
        <div className="import-confirm" data-testid="import-confirm" role="alertdialog" aria-label="Replace the document?">
          Replace this document with <strong>{pending.name}</strong> ({pending.blocks.length} blocks)? Everyone sees it; undo and history keep what it replaces.{' '}
          <button type="button" data-testid="import-replace" onClick={() => apply(pending.name, pending.blocks)}>
            Replace
          </button>{' '}
          <button type="button" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      {message && !pending && (
        <span className="import-status" data-testid="import-status" role="status">
          {message}
        </span>
      )}
    </div>
  );
}
