/** `/`: start a new document, reopen a recent one, or go to the lab. */
import { useState } from 'react';
import { loadClassrooms } from '../classroom/myClassrooms';
import { NewClassroomButton } from '../classroom/NewClassroomButton';
import { loadRecent, recentDocumentPath } from '../collab/recentDocuments';
import { newRoomId, Paths, type CreatedDocument } from '../protocol/constants';
import './home.css';

/**
 * "New protected document": asks the relay for a protected document
 * (`POST /api/docs`), shows its edit and view links (copied to the clipboard
 * where allowed), and opens the edit link.
 */
function NewProtectedDocument() {
  const [created, setCreated] = useState<{ edit: string; view: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(Paths.docs, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ protected: true }),
      });
      if (response.status !== 201) throw new Error(`the relay answered ${response.status}`);
      const doc = (await response.json()) as CreatedDocument;
      const links = { edit: new URL(doc.editUrl, window.location.href).href, view: new URL(doc.viewUrl!, window.location.href).href };
      setCreated(links);
      await navigator.clipboard?.writeText(`Edit: ${links.edit}\nView: ${links.view}`).catch(() => undefined);
    } catch (e) {
      setError(`Could not create a protected document: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="secondary-button" data-testid="new-protected-document" disabled={busy} onClick={create}>
        New protected document
      </button>
      {error && <p className="share-links error">{error}</p>}
      {created && (
        <div className="share-links" data-testid="share-links">
          <p>Keep these links: anyone with the edit link can edit, anyone with the view link can read along.</p>
          <label htmlFor="edit-link">Edit link</label>
          <input id="edit-link" data-testid="edit-link" readOnly value={created.edit} onFocus={(e) => e.target.select()} />
          <label htmlFor="view-link">View link</label>
          <input id="view-link" data-testid="view-link" readOnly value={created.view} onFocus={(e) => e.target.select()} />
          <p>
            <a className="primary-button" data-testid="open-edit-link" href={created.edit}>
              Open it
            </a>
          </p>
        </div>
      )}
    </>
  );
}

function formatWhen(openedAt: number): string {
  return new Date(openedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export default function StartPage() {
  const recent = loadRecent();
  const classrooms = loadClassrooms();
  document.title = 'Concord';
  return (
    <main className="start-page">
      <header className="start-hero">
        <h1>Concord</h1>
        <p className="tagline">
          A collaborative editor where every tab is a leader: it accepts your writes at once, keeps working offline, and
          merges with everyone else through a CRDT.
        </p>
        <a className="primary-button" href={Paths.document(newRoomId())} data-testid="new-document">
          New document
        </a>
        <NewProtectedDocument />
        <NewClassroomButton />
        <p className="muted classroom-hint">
          A classroom is a document for a whole class: students join by a link or QR code, and from the teacher's console you
          split them into two datacenters, let both write, and heal the partition to watch the merge.
        </p>
      </header>
      {classrooms.length > 0 && (
        <section className="start-section" aria-labelledby="classrooms-heading">
          <h2 id="classrooms-heading">Your classrooms</h2>
          <ul className="recent-list" data-testid="my-classrooms">
            {classrooms.map((c) => (
              <li key={c.room}>
                <a href={c.teacherUrl}>Teacher console</a>
                <span className="muted">
                  {c.room} · {formatWhen(c.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="start-section" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent documents</h2>
        {recent.length === 0 ? (
          <p className="muted">Documents you open in this browser appear here.</p>
        ) : (
          <ul className="recent-list" data-testid="recent-documents">
            {recent.map((doc) => (
              <li key={doc.room}>
                <a href={recentDocumentPath(doc)}>{doc.title.trim() || 'Untitled document'}</a>
                <span className="muted">
                  {doc.room} · {formatWhen(doc.openedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="start-section" aria-labelledby="lab-heading">
        <h2 id="lab-heading">The lab</h2>
        <p>
          See <em>why</em> it works: the chapter on multi-leader replication, played step by step — OT and a CRDT
          resolving the same concurrent edits, last write wins, version vectors, CRDT counters and sets, and
          replication topologies. <a href={Paths.lab}>Open the lab</a> or go straight to{' '}
          <a href={`${Paths.lab}?scenario=hello-world`}>OT vs CRDT: “HelloWorld”</a>.
        </p>
      </section>
    </main>
  );
}
