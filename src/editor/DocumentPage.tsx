/** `/d/<room>`: one document — title, toolbar, body, presence and status. */
import { useCallback, useEffect, useState } from 'react';
import { loadUser, saveUser } from '../collab/presence';
import { rememberDocument } from '../collab/recentDocuments';
import { usePeers } from '../collab/usePeers';
import { useReplica, useReplicaStatus } from '../collab/useReplica';
import { shareKey, useAccess } from '../collab/access';
import { PartitionBanner } from '../classroom/PartitionBanner';
import { useClassroomNotice } from '../collab/studentChannel';
import { ShareButton } from '../share/ShareButton';
import { Role } from '../protocol/constants';
import { DocumentTools } from '../history/HistoryPanel';
import { CollaborativeEditor } from './CollaborativeEditor';
import { NetworkControls } from './NetworkControls';
import { ReplicationInspector } from './ReplicationInspector';
import { PresenceBar } from './PresenceBar';
import { StatusBadges } from './StatusBadges';
import { TitleField } from './TitleField';
import type { PresenceUser } from '../protocol/presence';
import './document.css';

/**
 * Asks the relay what this page's key grants before connecting: a protected
 * document without a valid key shows what is needed; a view key opens it read-only.
 */
export default function DocumentPage({ room }: { room: string }) {
  const access = useAccess(room);
  if (access.state === 'granted') return <DocumentView room={room} role={access.role} />;
  return (
    <div className="document-page">
      <header className="document-header">
        <a className="brand" href="/" title="Start page">
          Concord
        </a>
      </header>
      <main className="document-body">
        {access.state === 'checking' ? (
          <p className="loading" data-testid="loading">
            Opening the document…
          </p>
        ) : (
          <div className="access-denied" data-testid="access-denied" data-status={access.status} role="alert">
            <h2>{access.status === 401 ? 'This document needs a link with a key' : 'This link does not open this document'}</h2>
            <p>{access.message}</p>
            <p>Ask whoever shared it for its edit link (to edit) or its view link (to read along).</p>
          </div>
        )}
      </main>
    </div>
  );
}

function DocumentView({ room, role }: { room: string; role: Role }) {
  const viewOnly = role === Role.viewer;
  const replica = useReplica(room);
  const status = useReplicaStatus(replica);
  const peers = usePeers(replica?.awareness ?? null);
  const classroom = useClassroomNotice(replica?.provider ?? null);
  const [user, setUser] = useState<PresenceUser>(() => loadUser());
  const [inspecting, setInspecting] = useState(false);

  useEffect(() => {
    replica?.awareness.setLocalStateField('user', viewOnly ? { ...user, role } : user);
  }, [replica, user, role, viewOnly]);

  // Time each edit from the key press (or other input) that caused it.
  useEffect(() => {
    if (!replica) return;
    const mark = () => replica.markInput();
    window.addEventListener('keydown', mark, true);
    window.addEventListener('paste', mark, true);
    return () => {
      window.removeEventListener('keydown', mark, true);
      window.removeEventListener('paste', mark, true);
    };
  }, [replica]);

  const changeUser = useCallback((next: PresenceUser) => {
    saveUser(next);
    setUser(next);
  }, []);
  // The key goes with the recent entry: a protected document reopened from the start page still opens.
  const onTitle = useCallback((title: string) => rememberDocument(room, title, shareKey(), role), [room, role]);

  return (
    <div className="document-page">
      <header className="document-header">
        <a className="brand" href="/" title="Start page">
          Concord
        </a>
        {replica && status.loaded ? <TitleField doc={replica.doc} onTitle={onTitle} readOnly={viewOnly} /> : <div className="title-field placeholder" />}
        {viewOnly && (
          <span className="view-only-badge" data-testid="view-only" title="You can read along; edits are not possible with a view link">
            View only
          </span>
        )}
        <StatusBadges status={status} />
        <ShareButton room={room} shareKey={shareKey()} />
      </header>
      <PartitionBanner notice={classroom} />
      <div className="toolbar-row">
        <PresenceBar me={user} peers={peers} onChange={changeUser} />
        {replica && <NetworkControls replica={replica} status={status} />}
        <button
          type="button"
          className="inspector-toggle"
          data-testid="inspector-toggle"
          aria-pressed={inspecting}
          onClick={() => setInspecting(!inspecting)}
        >
          {inspecting ? 'Hide replication' : 'Show replication'}
        </button>
        {replica && status.loaded && <DocumentTools replica={replica} room={room} readOnly={viewOnly} />}
      </div>
      {replica && status.refusal && (
        <div className="refusal" data-testid="refusal" data-code={status.refusal.code} role="alert">
          <strong>The relay refused this tab.</strong> {status.refusal.reason}{' '}
          <button type="button" data-testid="retry-connection" onClick={() => replica.retry()}>
            Try again
          </button>
        </div>
      )}
      <div className="document-columns">
        <main className="document-body">
          {replica && status.loaded ? (
            <CollaborativeEditor replica={replica} user={user} readOnly={viewOnly} />
          ) : (
            <p className="loading" data-testid="loading">
              {status.connection === 'offline' ? 'The relay is unreachable and this browser has no copy yet; retrying…' : 'Opening the document…'}
            </p>
          )}
        </main>
        {replica && inspecting && <ReplicationInspector replica={replica} status={status} />}
      </div>
    </div>
  );
}
