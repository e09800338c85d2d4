/** `/`: start a new document, reopen a recent one, or go to the lab. */
import { loadRecent, newRoomId } from '../collab/recentDocuments';
import { Paths } from '../protocol/constants';
import './home.css';

function formatWhen(openedAt: number): string {
  return new Date(openedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export default function StartPage() {
  const recent = loadRecent();
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
      </header>
      <section className="start-section" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent documents</h2>
        {recent.length === 0 ? (
          <p className="muted">Documents you open in this browser appear here.</p>
        ) : (
          <ul className="recent-list" data-testid="recent-documents">
            {recent.map((doc) => (
              <li key={doc.room}>
                <a href={Paths.document(doc.room)}>{doc.title.trim() || 'Untitled document'}</a>
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
          See <em>why</em> it works: operational transformation and a CRDT resolving the same concurrent edits, one
          message at a time. <a href={`${Paths.lab}?scenario=hello-world`}>Open the lab</a>
        </p>
      </section>
    </main>
  );
}
