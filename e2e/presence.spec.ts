/** Presence: who is here, where their caret is, and names shown as text. */
import { expect, test } from './fixtures';

test('bob sees alice in the presence list with her labelled caret; both go when she closes her tab', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  await alice.editor.click();
  await alice.page.keyboard.type('here I am');

  const peers = bob.page.getByTestId('presence').getByTestId('peer');
  await expect(peers).toHaveCount(1);
  await expect(peers).toHaveText('Alice');
  const caret = bob.page.getByTestId('remote-caret');
  await expect(caret).toHaveCount(1);
  await expect(caret).toContainText('Alice');

  await alice.page.close();
  await expect(peers).toHaveCount(0);
  await expect(caret).toHaveCount(0);
});

test('a name that looks like HTML is shown literally, never run', async ({ alice, bob, room }) => {
  const evil = '<img src=x onerror=window.__pwned=1>';
  await alice.open(room);
  await alice.page.getByTestId('my-name').fill(evil);
  await alice.page.getByTestId('my-name').press('Enter');
  await alice.editor.click();
  await alice.page.keyboard.type('x');
  await bob.open(room);
  await expect(bob.page.getByTestId('peer')).toHaveText(evil);
  await expect(bob.page.getByTestId('remote-caret')).toContainText(evil);
  expect(await bob.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await bob.page.locator('img[src=x]').count()).toBe(0);
});

test('a renamed user is remembered in this browser', async ({ alice, room }) => {
  await alice.open(room);
  await alice.page.getByTestId('my-name').fill('Professor Plum');
  await alice.page.getByTestId('my-name').press('Enter');
  await alice.page.reload();
  await expect(alice.page.getByTestId('my-name')).toHaveValue('Professor Plum');
});
