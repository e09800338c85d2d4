/** The document title, bound to the `title` Y.Text; also the page title. */
import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { TITLE_ROOT } from '../protocol/document';
import { applyTextChange, transformIndex } from './titleBinding';

const LOCAL = Symbol('title-input');
export const UNTITLED = 'Untitled document';

export function TitleField({ doc, onTitle, readOnly }: { doc: Y.Doc; onTitle: (title: string) => void; readOnly?: boolean }) {
  const text = doc.getText(TITLE_ROOT);
  const [value, setValue] = useState(() => text.toString());
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      const next = text.toString();
      const field = input.current;
      if (transaction.origin !== LOCAL && field && document.activeElement === field) {
        // Keep the caret next to the characters it was next to.
        const start = transformIndex(event.delta, field.selectionStart ?? 0);
        const end = transformIndex(event.delta, field.selectionEnd ?? 0);
        field.value = next;
        field.setSelectionRange(start, end);
      }
      setValue(next);
    };
    setValue(text.toString());
    text.observe(observer);
    return () => text.unobserve(observer);
  }, [text]);

  useEffect(() => {
    document.title = `${value.trim() || UNTITLED} · Concord`;
    onTitle(value);
  }, [value, onTitle]);

  return (
    <input
      ref={input}
      className="title-field"
      data-testid="title"
      aria-label="Document title"
      placeholder={UNTITLED}
      value={value}
      maxLength={200}
      readOnly={readOnly}
      onChange={(event) => applyTextChange(text, text.toString(), event.target.value, LOCAL)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          (document.querySelector('[data-slate-editor]') as HTMLElement | null)?.focus();
        }
      }}
    />
  );
}
