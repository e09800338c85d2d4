/**
 * Roles and share links (issue 5, H5 in server/relay/hardening.test.ts): alice
 * creates a protected document and edits it with the edit link; bob reads along
 * with the view link — he sees her live edits, cannot type, and is shown as
 * "viewing"; a stranger (carol) without a key, or with a wrong one, is told what
 * is needed instead of seeing an empty editor.
 */
import { expect, test } from './fixtures';

test('alice edits with the edit link, bob views live with the view link, a stranger sees the access message', async ({ alice, bob, carol }) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('new-protected-document').click();
  const editLink = await alice.page.getByTestId('edit-link').inputValue();
  const viewLink = await alice.page.getByTestId('view-link').inputValue();
  expect(editLink).toMatch(/\/d\/[A-Za-z0-9_-]+\?key=[A-Za-z0-9_-]{43}$/);
  expect(viewLink).not.toBe(editLink);
  await alice.page.getByTestId('open-edit-link').click();
  await expect(alice.editor).toBeVisible();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(alice.page.getByTestId('view-only')).toHaveCount(0);
  await alice.editor.click();
  await alice.page.keyboard.type('written by alice');
  await alice.waitSaved();

  await bob.page.goto(viewLink);
  await expect(bob.editor).toBeVisible();
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(bob.page.getByTestId('view-only')).toBeVisible();
  await expect(bob.page.locator('[data-testid^="toolbar-"]')).toHaveCount(0);
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');
  await expect.poll(() => bob.text()).toBe('written by alice');

  // Live edits reach the viewer.
  await alice.caretToEnd();
  await alice.page.keyboard.type(' and more');
  await expect.poll(() => bob.text()).toBe('written by alice and more');

  // The viewer cannot type, in the body or the title.
  await bob.editor.click();
  await bob.page.keyboard.type('bob was here');
  await bob.page.getByTestId('title').click();
  await bob.page.keyboard.type('bob title');
  await expect(bob.page.getByTestId('title')).toHaveValue('');
  expect(await bob.text()).toBe('written by alice and more');
  expect(await alice.text()).toBe('written by alice and more');

  // Alice sees bob as viewing.
  const bobInAlicesList = alice.page.getByTestId('presence').getByTestId('peer').filter({ hasText: 'Bob' });
  await expect(bobInAlicesList).toHaveCount(1);
  await expect(bobInAlicesList.getByTestId('peer-viewing')).toHaveText('viewing');

  // A stranger without a key, then with a wrong one.
  const room = new URL(editLink).pathname.split('/').at(-1)!;
  await carol.page.goto(`/d/${room}`);
  await expect(carol.page.getByTestId('access-denied')).toBeVisible();
  await expect(carol.page.getByTestId('access-denied')).toHaveAttribute('data-status', '401');
  await expect(carol.editor).toHaveCount(0);
  await carol.page.goto(`/d/${room}?key=not-the-key`);
  await expect(carol.page.getByTestId('access-denied')).toHaveAttribute('data-status', '403');
  await expect(carol.editor).toHaveCount(0);
});
