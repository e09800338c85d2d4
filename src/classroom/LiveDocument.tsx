/**
 * A read-only live view of a classroom's document for the teacher console:
 * the room itself, or, while partitioned, one group's leader. It connects as
 * the teacher (`?teacher=<key>[&group=A|B]`): the relay makes that socket a
 * viewer and it publishes no presence, so students never see it.
 */
import { useEffect, useState, type JSX } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { relayUrl } from '../collab/replica';
import { useDocumentTicks } from '../collab/useDocumentTicks';
import { GROUP_QUERY_PARAM, TEACHER_QUERY_PARAM, type Group } from '../protocol/classroom';
import { BlockType, CONTENT_ROOT, TITLE_ROOT } from '../protocol/document';

function useWatchedDoc(room: string, teacherKey: string, group: Group | null): { doc: Y.Doc; synced: boolean } | null {
  const [watched, setWatched] = useState<{ doc: Y.Doc; provider: WebsocketProvider } | null>(null);
  const [synced, setSynced] = useState(false);
  useEffect(() => {
    const doc = new Y.Doc();
    const params: Record<string, string> = { [TEACHER_QUERY_PARAM]: teacherKey };
    if (group) params[GROUP_QUERY_PARAM] = group;
    const provider = new WebsocketProvider(relayUrl(), room, doc, { disableBc: true, params });
    provider.awareness.setLocalState(null); // watching, not present
    const onSync = (isSynced: boolean) => setSynced(isSynced);
    provider.on('sync', onSync);
    setWatched({ doc, provider });
    return () => {
      provider.off('sync', onSync);
      provider.destroy();
      doc.destroy();
      setWatched(null);
      setSynced(false);
    };
  }, [room, teacherKey, group]);
  return watched ? { doc: watched.doc, synced } : null;
}


interface DeltaPart {
  insert: string | Y.XmlText;
  attributes?: Record<string, unknown>;
}

const MARK_TAGS: Array<[string, keyof JSX.IntrinsicElements]> = [
  ['bold', 'strong'],
  ['italic', 'em'],
  ['underline', 'u'],
  ['code', 'code'],
];

/**
 * The body drawn read-only straight from Yjs: one element per block (the
 * slate-yjs layout: a root Y.XmlText whose embeds are the blocks, with the
 * Slate attributes as Yjs attributes) with its marks. No Slate or slate-react
 * here: the console does not edit, and stays a small page.
 */
function Blocks({ root }: { root: Y.XmlText }): JSX.Element {
  const parts = root.toDelta() as DeltaPart[];
  return (
    <>
      {parts.map((part, i) => {
        if (typeof part.insert === 'string') return <span key={i}>{part.insert}</span>;
        const block = part.insert;
        const type = String(block.getAttribute('type') ?? BlockType.paragraph);
        const runs = (block.toDelta() as DeltaPart[]).map((run, j) => {
          if (typeof run.insert !== 'string') return <Blocks key={j} root={run.insert} />;
          let content: JSX.Element = <>{run.insert}</>;
          for (const [mark, Tag] of MARK_TAGS) if (run.attributes?.[mark]) content = <Tag>{content}</Tag>;
          return <span key={j}>{content}</span>;
        });
        const Tag =
          type === BlockType.headingOne ? 'h4' : type === BlockType.headingTwo ? 'h5' : type === BlockType.blockQuote ? 'blockquote' : 'p';
        const indent = Number(block.getAttribute('indent') ?? 0) || 0;
        return (
          <Tag key={i} data-block-type={type} style={indent ? { marginLeft: `${indent * 1.75}em` } : undefined}>
            {type === BlockType.listItem && <span className="live-marker">{block.getAttribute('listType') === 'numbered' ? '# ' : '• '}</span>}
            {runs.length > 0 ? runs : '\u200b'}
          </Tag>
        );
      })}
    </>
  );
}

export function LiveDocument({ room, teacherKey, group, heading }: { room: string; teacherKey: string; group: Group | null; heading: string }) {
  const watched = useWatchedDoc(room, teacherKey, group);
  useDocumentTicks(watched?.doc ?? null);
  const title = watched ? watched.doc.getText(TITLE_ROOT).toString() : '';
  return (
    <section
      className={`live-document ${group ? `group-${group.toLowerCase()}` : ''}`}
      data-testid="live-document"
      data-group={group ?? ''}
      data-synced={watched?.synced ? 'true' : 'false'}
      aria-label={heading}
    >
      <h3>{heading}</h3>
      <div className="live-document-page">
        <p className="live-title">{title.trim() || 'Untitled document'}</p>
        <div className="live-body" data-testid="live-document-body">
          {watched && <Blocks root={watched.doc.get(CONTENT_ROOT, Y.XmlText)} />}
        </div>
      </div>
    </section>
  );
}
