/** Remote edits do not move your caret: you keep typing where you were. */
import { expect, test } from './fixtures';

test('alice\'s caret stays put while bob presses Enter and types before it', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  await alice.editor.click();
  await alice.page.keyboard.type('The quick fox');
  await alice.page.keyboard.press('ArrowLeft');
  await alice.page.keyboard.press('ArrowLeft');
  await alice.page.keyboard.press('ArrowLeft'); // caret: "The quick |fox"
  await expect.poll(() => bob.text()).toBe('The quick fox');

  await bob.caretToStart();
  await bob.page.keyboard.type('Intro');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.type('Then: ');
  await bob.page.keyboard.press('Enter'); // splits alice's paragraph before her caret
  await expect.poll(() => alice.text()).toBe('Intro\nThen: \nThe quick fox');

  await alice.page.keyboard.type('brown ');
  await expect.poll(() => bob.text()).toBe('Intro\nThen: \nThe quick brown fox');
  await expect.poll(() => alice.text()).toBe('Intro\nThen: \nThe quick brown fox');
});
