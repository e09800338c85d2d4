/** `[data-testid=export]`: a menu of export formats for the current document or a version. */
import { useEffect, useRef, useState } from 'react';
import type { DocumentNode } from '../common/formats/blocks';
import { EXPORT_FORMATS, downloadDocument, type ExportFormat } from './download';

export function ExportMenu({
  room,
  version,
  getDocument,
}: {
  room: string;
  /** null: the current document. */
  version: number | null;
  getDocument: () => { blocks: ReadonlyArray<DocumentNode>; title: string };
}) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !box.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);
  const choose = (format: ExportFormat) => {
    setOpen(false);
    downloadDocument(format, getDocument(), room, version);
  };
  return (
    <div className="export-menu" ref={box}>
      <button
        type="button"
        className="tool-button"
        data-testid="export"
        aria-haspopup="menu"
        aria-expanded={open}
        title={version === null ? 'Download this document' : `Download version ${version}`}
        onClick={() => setOpen(!open)}
      >
        Export ▾
      </button>
      {open && (
        <div className="menu" role="menu">
          {(Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((format) => (
            <button key={format} type="button" role="menuitem" data-testid={`export-${format}`} onClick={() => choose(format)}>
              {EXPORT_FORMATS[format].label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
