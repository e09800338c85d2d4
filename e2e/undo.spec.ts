/** Undo is per user: it takes back only your own edits. */
import { expect, test } from './fixtures';

test('undo in alice\'s tab undoes only alice\'s last edit', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  await alice.editor.click();
  await alice.page.keyboard.type('alpha ');
  await expect.poll(() => bob.text()).toBe('alpha ');
  await bob.caretToEnd();
  await bob.page.keyboard.type('bravo ');
  await expect.poll(() => alice.text()).toBe('alpha bravo ');
  await alice.page.keyboard.type('charlie'); // alice's caret stayed after "alpha "
  await expect.poll(() => bob.text()).toBe('alpha charliebravo ');

  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => alice.text()).toBe('alpha bravo ');
  await expect.poll(() => bob.text()).toBe('alpha bravo ');

  await alice.page.keyboard.press('Control+Shift+z');
  await expect.poll(() => bob.text()).toBe('alpha charliebravo ');
});
