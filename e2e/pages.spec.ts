/** The start page and the URL contract. */
import { type } from '../testing';
import { expect, test } from './fixtures';

test('"New document" opens a fresh editable document, listed afterwards under recent documents', async ({ alice }) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('new-document').click();
  await expect(alice.page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await expect(alice.editor).toBeVisible();
  await alice.page.getByTestId('title').fill('My notes');
  await alice.page.goto('/');
  await expect(alice.page.getByTestId('recent-documents')).toContainText('My notes');
  await expect(alice.page.getByRole('link', { name: 'Open the lab' })).toBeVisible();
});

test('an invalid document id is explained, not opened', async ({ alice }) => {
  await alice.page.goto('/d/not%20valid!');
  await expect(alice.page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(alice.page.getByText('is not a valid document id')).toBeVisible();
});

test('/healthz and /metrics answer', async ({ request }) => {
  expect((await (await request.get('/healthz')).json()).status).toBe('ok');
  const metrics = await (await request.get('/metrics')).text();
  for (const name of ['concord_connections', 'concord_rooms_loaded', 'concord_messages_in_total', 'concord_bytes_out_total', 'concord_updates_persisted_total', 'concord_decode_errors_total']) {
    expect(metrics).toContain(name);
  }
});

test('a document page opens one socket: the one started before its code loaded is the one the editor uses', async ({ alice }) => {
  // main.tsx starts the access check and the replica (collab/earlyStart.ts) while the
  // page's code loads; the page must take that replica over, not open a second one.
  const sockets: string[] = [];
  alice.page.on('websocket', (socket) => {
    if (socket.url().includes('/ws/')) sockets.push(socket.url());
  });
  const room = `one-socket-${Date.now().toString(36)}`;
  await alice.open(room);
  await type(alice, 'typed once');
  await alice.waitSaved();
  await alice.page.reload();
  await expect(alice.editor).toContainText('typed once');
  expect(sockets).toHaveLength(2); // one per page load
});
