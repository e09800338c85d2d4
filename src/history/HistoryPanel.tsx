/**
 * The document page's history, export and import tools.
 *
 * `[data-testid=history-toggle]` opens the history over the page (the editor
 * stays mounted underneath, so its undo still takes a restore back): the
 * document at the selected version, read-only and drawn with the editor's own
 * markup (StaticBlocks), every text tinted in its author's colour with
 * `data-author`; beside it the slider over the versions, the selected
 * version's time and authors, the list of versions, "show changes" (what the
 * version added and, struck through, what it removed), restore and export.
 *
 * History is fetched when opened, never when the document opens, and every
 * version is built at once (model.ts): moving the slider asks nothing of the
 * relay.
 */
import { memo, useCallback, useEffect, useMemo, useState, type CSSProperties, type HTMLAttributes } from 'react';
import { createPortal } from 'react-dom';
import type { Descendant } from 'slate';
import { SELECTION_STORAGE_ORIGIN } from '../collab/origins';
import type { Replica } from '../collab/replica';
import { useReplicaStatus } from '../collab/useReplica';
import { EDITOR_CLASS } from '../editor/richText/elements';
import { StaticBlocks, type LeafProps } from '../editor/richText/StaticBlocks';
import type { DocumentNode } from '../common/formats/blocks';
import { SEED_CLIENT_ID } from '../protocol/document';
import { ExportMenu } from './ExportMenu';
import { ImportButton } from './ImportButton';
import { plainBlocks, type HistoryLeaf } from '../common/history/model';
import { applyDocument, currentDocument } from './restore';
import { useDocumentHistory } from './useDocumentHistory';
import type { HistoryPayload, VersionSummary } from '../common/history/wire';
import './history.css';

export interface Author {
  name: string;
  color: string;
}

const UNKNOWN_COLOR = '#868e96';

export function authorOf(payload: HistoryPayload, client: number): Author {
  const known = payload.authors[String(client)];
  if (known) return known;
  if (client === SEED_CLIENT_ID) return { name: 'New document', color: UNKNOWN_COLOR };
  return { name: `Unknown writer ${client}`, color: UNKNOWN_COLOR };
}

/** Distinct authors (by name and colour) of a list of client ids, in order. */
function authorsOf(payload: HistoryPayload, clients: readonly number[]): Author[] {
  const seen = new Map<string, Author>();
  for (const client of clients) {
    const author = authorOf(payload, client);
    seen.set(`${author.name}\u0000${author.color}`, author);
  }
  return [...seen.values()];
}

export function formatTime(ms: number | null, now = Date.now()): string {
  if (ms === null) return '';
  const date = new Date(ms);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (new Date(now).toDateString() === date.toDateString()) return `Today, ${time}`;
  return `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}, ${time}`;
}

function AuthorList({ authors }: { authors: readonly Author[] }) {
  if (authors.length === 0) return <span className="history-muted">no author</span>;
  return (
    <span className="history-authors">
      {authors.map((author) => (
        <span key={`${author.name}\u0000${author.color}`} className="history-author" data-testid="version-author" data-author={author.name}>
          <span className="colour-dot" style={{ background: author.color }} aria-hidden="true" />
          {author.name}
        </span>
      ))}
    </span>
  );
}

const VersionItem = memo(function VersionItem({
  version,
  authors,
  selected,
  onSelect,
}: {
  version: VersionSummary;
  authors: Author[];
  selected: boolean;
  onSelect: (n: number) => void;
}) {
  return (
    <li>
      <button
        type="button"
        className={`history-version${selected ? ' selected' : ''}`}
        data-testid="history-version-item"
        data-version={version.n}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(version.n)}
      >
        <span className="history-version-number">Version {version.n}</span>
        <span className="history-version-time">{formatTime(version.endedAt)}</span>
        <AuthorList authors={authors} />
      </button>
    </li>
  );
});

function HistoryOverlay({ replica, room, readOnly, onClose }: { replica: Replica; room: string; readOnly: boolean; onClose: () => void }) {
  const history = useDocumentHistory(room, true);
  const status = useReplicaStatus(replica);
  const [selected, setSelected] = useState<number | null>(null);
  const [changes, setChanges] = useState(false);
  const [stale, setStale] = useState(false);
  const [restored, setRestored] = useState<{ from: number } | null>(null);
  const [awaitingSave, setAwaitingSave] = useState(false);
  const { reload } = history;

  useEffect(() => {
    const keydown = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', keydown);
    return () => window.removeEventListener('keydown', keydown);
  }, [onClose]);

  // The document moves on while the history is open: offer to load the new versions.
  useEffect(() => {
    if (history.state !== 'ready') return;
    setStale(false);
    const changed = (_update: Uint8Array, origin: unknown) => origin !== SELECTION_STORAGE_ORIGIN && setStale(true);
    replica.doc.on('update', changed);
    return () => replica.doc.off('update', changed);
  }, [replica, history.state === 'ready' ? history.payload : null]); // eslint-disable-line react-hooks/exhaustive-deps

  // After a restore: once the relay has stored it, load history again and show the new latest version.
  useEffect(() => {
    if (!awaitingSave || status.save !== 'saved') return;
    setAwaitingSave(false);
    setSelected(null);
    reload();
  }, [awaitingSave, status.save, reload]);

  const ready = history.state === 'ready' ? history : null;
  const payload = ready?.payload ?? null;
  const versionAuthors = useMemo(
    () => (payload ? payload.versions.map((version) => authorsOf(payload, version.authors)) : []),
    [payload],
  );
  const n = payload ? Math.min(payload.latestVersion, Math.max(payload.oldestVersion, selected ?? payload.latestVersion)) : 0;
  const index = payload ? n - payload.oldestVersion : 0;
  const rendered = useMemo(
    () => (ready ? ready.model.render(index, changes && index > 0 ? index - 1 : null) : null),
    [ready, index, changes],
  );
  const leafProps = useCallback<LeafProps>(
    (leaf) => {
      if (!payload) return undefined;
      const { historyAuthor, historyChange } = leaf as unknown as HistoryLeaf;
      const author = authorOf(payload, historyAuthor);
      return {
        'data-author': author.name,
        'data-author-color': author.color,
        'data-change': historyChange,
        className: `history-text${historyChange ? ` ${historyChange}` : ''}`,
        style: { '--author': author.color } as CSSProperties,
      } as HTMLAttributes<HTMLSpanElement>;
    },
    [payload],
  );
  const select = useCallback((version: number) => setSelected(version), []);

  const restore = () => {
    if (!ready || !payload) return;
    const target = ready.model.render(index);
    const changed = applyDocument(replica.doc, { title: target.title, blocks: plainBlocks(target.blocks) });
    setRestored({ from: n });
    if (changed) setAwaitingSave(true);
  };

  const version = payload && index > 0 ? payload.versions[index - 1] : null;
  const authorsHere = version ? versionAuthors[index - 1] : [];
  const latest = payload?.latestVersion ?? 0;

  return (
    <div className="history-overlay" data-testid="history" role="dialog" aria-modal="true" aria-label="Version history">
      <header className="history-header">
        <h2>Version history</h2>
        {payload && (
          <span className="history-muted">
            {payload.versions.length} version{payload.versions.length === 1 ? '' : 's'}
            {payload.retentionDays !== null ? ` · kept for ${payload.retentionDays} days` : ''}
          </span>
        )}
        {stale && (
          <button type="button" className="tool-button" data-testid="history-refresh" onClick={reload}>
            The document changed — show the new versions
          </button>
        )}
        <button type="button" className="tool-button history-close" data-testid="history-close" onClick={onClose}>
          Close
        </button>
      </header>
      {history.state === 'loading' || history.state === 'idle' ? (
        <p className="history-loading" data-testid="history-loading">
          Loading history…
        </p>
      ) : history.state === 'error' ? (
        <p className="history-error" data-testid="history-error" role="alert">
          History is not available: {history.message}
        </p>
      ) : (
        payload &&
        rendered && (
          <div className="history-main">
            <div className="history-document">
              <div className={`${EDITOR_CLASS} history-view`} data-testid="history-view" data-version={n} aria-readonly="true">
                <h1 className="history-title" data-testid="history-title">
                  {rendered.title || <span className="history-muted">Untitled</span>}
                </h1>
                <StaticBlocks blocks={rendered.blocks as unknown as Descendant[]} leafProps={leafProps} />
              </div>
            </div>
            <aside className="history-sidebar">
              <label className="history-slider-label">
                <span>
                  Version <strong data-testid="history-selected">{n}</strong> of {latest}
                  {n === latest ? ' (now)' : ''}
                </span>
                <input
                  type="range"
                  data-testid="history-slider"
                  min={payload.oldestVersion}
                  max={latest}
                  step={1}
                  value={n}
                  onChange={(event) => setSelected(Number(event.target.value))}
                  aria-valuetext={`Version ${n}`}
                />
              </label>
              <div className="history-version-info" data-testid="history-version" data-version={n}>
                {version ? (
                  <>
                    <div>{formatTime(version.endedAt)}</div>
                    <AuthorList authors={authorsHere} />
                    <div className="history-muted">
                      {version.edits} edit{version.edits === 1 ? '' : 's'}
                      {version.endedAt - version.startedAt >= 1_000 ? ` over ${Math.round((version.endedAt - version.startedAt) / 1_000)} s` : ''}
                    </div>
                  </>
                ) : (
                  <div>
                    {payload.oldestVersion === 0 ? 'The document as it was created' : `Everything before version ${payload.oldestVersion + 1}`}
                    {payload.baseAt !== null ? ` (${formatTime(payload.baseAt)})` : ''}
                  </div>
                )}
              </div>
              <label className="history-changes">
                <input type="checkbox" data-testid="history-changes" checked={changes} onChange={(event) => setChanges(event.target.checked)} />
                Show changes made in this version
              </label>
              <div className="history-actions">
                {!readOnly && (
                  <button type="button" className="tool-button primary" data-testid="restore" disabled={n === latest || awaitingSave} onClick={restore}>
                    Restore this version
                  </button>
                )}
                <ExportMenu room={room} version={n} getDocument={() => ({ title: rendered.title, blocks: plainBlocks(ready!.model.render(index).blocks) as unknown as DocumentNode[] })} />
              </div>
              {restored && (
                <p className="history-note" data-testid="restore-status" role="status">
                  {awaitingSave || status.save !== 'saved'
                    ? `Restoring version ${restored.from}…`
                    : `Version ${restored.from} restored as a new version. Undo in the document takes it back.`}
                </p>
              )}
              <ol className="history-versions" data-testid="history-versions" reversed>
                {payload.versions
                  .map((summary, i) => (
                    <VersionItem key={summary.n} version={summary} authors={versionAuthors[i]} selected={summary.n === n} onSelect={select} />
                  ))
                  .reverse()}
                <li>
                  <button
                    type="button"
                    className={`history-version${index === 0 ? ' selected' : ''}`}
                    data-testid="history-version-item"
                    data-version={payload.oldestVersion}
                    onClick={() => select(payload.oldestVersion)}
                  >
                    <span className="history-version-number">{payload.oldestVersion === 0 ? 'Created' : `Before version ${payload.oldestVersion + 1}`}</span>
                    <span className="history-version-time">{formatTime(payload.baseAt)}</span>
                  </button>
                </li>
              </ol>
            </aside>
          </div>
        )
      )}
    </div>
  );
}

/** The tools in the document page's toolbar: history, export of the current document, import. */
export function DocumentTools({ replica, room, readOnly }: { replica: Replica; room: string; readOnly: boolean }) {
  const [historyOpen, setHistoryOpen] = useState(false);
  const close = useCallback(() => setHistoryOpen(false), []);
  return (
    <div className="document-tools">
      <button type="button" className="tool-button" data-testid="history-toggle" aria-pressed={historyOpen} onClick={() => setHistoryOpen(!historyOpen)}>
        History
      </button>
      <ExportMenu room={room} version={null} getDocument={() => currentDocument(replica.doc) as unknown as { title: string; blocks: DocumentNode[] }} />
      {!readOnly && <ImportButton doc={replica.doc} />}
      {historyOpen && createPortal(<HistoryOverlay replica={replica} room={room} readOnly={readOnly} onClose={close} />, document.body)}
    </div>
  );
}
