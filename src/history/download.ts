/**
 * Export files: the document (or a version) as Markdown, HTML or plain text,
 * downloaded by the browser under a name made from the title.
 */
import { exportFileName, type DocumentNode } from '../common/formats/blocks';
import { blocksToHtml } from '../common/formats/html';
import { blocksToMarkdown } from '../common/formats/markdown';
import { blocksToPlainText } from '../common/formats/plainText';

export const EXPORT_FORMATS = {
  markdown: { label: 'Markdown (.md)', extension: 'md', type: 'text/markdown;charset=utf-8' },
  html: { label: 'HTML (.html)', extension: 'html', type: 'text/html;charset=utf-8' },
  text: { label: 'Plain text (.txt)', extension: 'txt', type: 'text/plain;charset=utf-8' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function exportText(format: ExportFormat, blocks: ReadonlyArray<DocumentNode>, title: string): string {
  if (format === 'markdown') return blocksToMarkdown(blocks);
  if (format === 'html') return blocksToHtml(blocks, title);
  return blocksToPlainText(blocks);
}

/** Starts a download of the document in `format`; `version` null for the current document. */
export function downloadDocument(
  format: ExportFormat,
  document: { blocks: ReadonlyArray<DocumentNode>; title: string },
  room: string,
  version: number | null,
): string {
  const { extension, type } = EXPORT_FORMATS[format];
  const name = exportFileName(document.title, room, version, extension);
  const url = URL.createObjectURL(new Blob([exportText(format, document.blocks, document.title)], { type }));
  const link = Object.assign(window.document.createElement('a'), { href: url, download: name });
  link.style.display = 'none';
  window.document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
