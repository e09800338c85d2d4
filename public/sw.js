/*
 * Concord's service worker: keeps the app itself available when the relay
 * (which also serves the page) is down, so a reload still opens documents
 * from this browser's IndexedDB. Documents never pass through here: they
 * travel over the WebSocket and live in IndexedDB.
 *
 * - Page loads (navigations): network first; if the relay is unreachable, the
 *   last app shell seen. Every route (/, /d/<room>, /lab) is the same index.html.
 * - /assets/*: content-hashed, so cache first, forever.
 * - Everything else (API, metrics, health, WebSocket) is not touched.
 */
const CACHE = 'concord-app-v1';
const SHELL = '/index.html';

/** The shell and every built file (vite's manifest), so lazily loaded pages work offline too. */
async function precache() {
  const cache = await caches.open(CACHE);
  await cache.add(SHELL);
  const manifest = await (await fetch('/asset-manifest.json', { cache: 'no-cache' })).json();
  const files = new Set();
  for (const chunk of Object.values(manifest)) {
    files.add(`/${chunk.file}`);
    for (const css of chunk.css ?? []) files.add(`/${css}`);
  }
  await cache.addAll([...files]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    precache()
      .catch((error) => console.warn('concord service worker: precache incomplete', error))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
          }
          return response;
        })
        .catch(() => caches.match(SHELL).then((cached) => cached || Response.error())),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
