/**
 * Entry point and routes: `/` start page, `/d/<room>` editor, `/lab` the lab,
 * `/teach/<room>?key=<teacher key>` a classroom's teacher console.
 * Routes are plain page loads; each page is its own lazily loaded chunk.
 */
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { openDocumentEarly } from './collab/earlyStart';
import { isValidRoomId } from './protocol/constants';
import './styles.css';

const StartPage = lazy(() => import('./home/StartPage'));
const DocumentPage = lazy(() => import('./editor/DocumentPage'));
const LabPage = lazy(() => import('./lab/LabPage'));
const TeacherConsole = lazy(() => import('./classroom/TeacherConsole'));

function route(pathname: string) {
  if (pathname === '/' || pathname === '') return <StartPage />;
  if (pathname === '/lab' || pathname === '/lab/') return <LabPage />;
  const teach = /^\/teach\/([^/]+)\/?$/.exec(pathname);
  if (teach && isValidRoomId(decodeURIComponent(teach[1]))) {
    const room = decodeURIComponent(teach[1]);
    return <TeacherConsole key={room} room={room} />;
  }
  const doc = /^\/d\/([^/]+)\/?$/.exec(pathname);
  if (doc) {
    const room = decodeURIComponent(doc[1]);
    if (isValidRoomId(room)) return <DocumentPage key={room} room={room} />;
    return <NotFound message={`"${room}" is not a valid document id: use 1–64 letters, digits, "-" or "_".`} />;
  }
  return <NotFound message={`Nothing lives at ${pathname}.`} />;
}

function NotFound({ message }: { message: string }) {
  return (
    <main className="page narrow">
      <h1>Not found</h1>
      <p>{message}</p>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </main>
  );
}

// A document's access check and sync start now, while its page's code loads (collab/earlyStart.ts).
const documentRoom = /^\/d\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];
if (documentRoom && isValidRoomId(decodeURIComponent(documentRoom))) openDocumentEarly(decodeURIComponent(documentRoom));

// Keeps the app loadable when the relay is down, so documents open from IndexedDB
// (public/sw.js). Browsers allow service workers on https and on localhost only.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('service worker not registered:', error));
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Suspense fallback={<div className="loading">Loading…</div>}>{route(window.location.pathname)}</Suspense>
  </StrictMode>,
);
