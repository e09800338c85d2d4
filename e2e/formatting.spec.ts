/** A user joining late sees the document as it is, formatting included. */
import { expect, test } from './fixtures';

test('bob joins late and sees alice\'s content with its formatting (bold, heading, list)', async ({ alice, bob, room }) => {
  await alice.open(room);
  await alice.editor.click();
  const type = (text: string) => alice.page.keyboard.type(text);
  await type('# Minutes');
  await alice.page.keyboard.press('Enter');
  await type('Decided: ');
  await alice.page.keyboard.press('Control+b');
  await type('ship it');
  await alice.page.keyboard.press('Control+b');
  await alice.page.keyboard.press('Enter');
  await type('- first');
  await alice.page.keyboard.press('Enter');
  await type('second');
  await alice.waitSaved();
  const expected = await alice.document();

  await bob.open(room);
  await expect.poll(() => bob.document()).toEqual(expected);
  const body = bob.editor;
  await expect(body.locator('[data-block-type=heading-one]')).toHaveText('Minutes');
  await expect(body.locator('strong')).toHaveText('ship it');
  await expect(body.locator('[data-block-type=list-item]')).toHaveText(['first', 'second']);
});

test('the title is shared and shown as the page title', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  await alice.page.getByTestId('title').fill('Project Report');
  await expect(bob.page.getByTestId('title')).toHaveValue('Project Report');
  await expect(bob.page).toHaveTitle(/^Project Report/);
});

test('the toolbar\'s pressed buttons follow the caret: bold inside a bold word, heading in a heading, neither elsewhere', async ({ alice, room }) => {
  await alice.open(room);
  await alice.editor.click();
  await alice.page.keyboard.type('# Title');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('plain ');
  await alice.page.keyboard.press('Control+b');
  await alice.page.keyboard.type('strong');
  const bold = alice.page.getByTestId('toolbar-bold');
  const heading = alice.page.getByTestId('toolbar-heading-one');
  await expect(bold).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Home'); // start of "plain strong": not bold
  await expect(bold).toHaveAttribute('aria-pressed', 'false');
  await expect(heading).toHaveAttribute('aria-pressed', 'false');
  await alice.page.keyboard.press('ArrowUp'); // into the heading
  await expect(heading).toHaveAttribute('aria-pressed', 'true');
});
