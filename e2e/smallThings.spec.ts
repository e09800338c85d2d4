/**
 * Issue 12, item 5: the small things a teacher tripped on.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { expect, test } from './fixtures';

test('a protected document reopened from "Recent documents" opens for its creator (the entry keeps its key)', async ({ alice }) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('new-protected-document').click();
  await alice.page.getByTestId('open-edit-link').click();
  await expect(alice.editor).toBeVisible();
  await alice.page.getByTestId('title').fill('Lesson plan');
  await alice.page.getByTestId('title').press('Tab');
  await alice.page.goto('/');
  await alice.page.getByTestId('recent-documents').getByRole('link', { name: 'Lesson plan' }).click();
  await expect(alice.editor).toBeVisible();
  await expect(alice.page.getByTestId('access-denied')).toHaveCount(0);
  await expect(alice.page.getByTestId('view-only')).toHaveCount(0);
});

test('the share panel gives an edit-key holder the edit and view links again, with a QR code; a viewer gets the view link', async ({ alice, bob }) => {
  const created = await (await alice.page.request.post('/api/docs', { data: { protected: true } })).json();
  await alice.page.goto(created.editUrl);
  await expect(alice.editor).toBeVisible();
  await alice.page.getByTestId('share-button').click();
  const origin = new URL(alice.page.url()).origin; // this relay listens on 127.0.0.1: the public origin is the one used
  await expect(alice.page.getByTestId('share-edit-link')).toHaveValue(`${origin}${created.editUrl}`);
  await expect(alice.page.getByTestId('share-view-link')).toHaveValue(`${origin}${created.viewUrl}`);
  const png = PNG.sync.read(await alice.page.getByTestId('share-qr').screenshot());
  expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(`${origin}${created.editUrl}`);
  const box = (await alice.page.getByTestId('share-qr').boundingBox())!;
  expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(100);

  await bob.page.goto(created.viewUrl);
  await expect(bob.page.getByTestId('view-only')).toBeVisible();
  await bob.page.getByTestId('share-button').click();
  await expect(bob.page.getByTestId('share-view-link')).toHaveValue(`${origin}${created.viewUrl}`);
  await expect(bob.page.getByTestId('share-edit-link')).toHaveCount(0);
});

test('an open document\'s share panel: the link, a copy button and a QR code of it', async ({ alice, room }) => {
  await alice.open(room);
  await alice.page.getByTestId('share-button').click();
  await expect(alice.page.getByTestId('share-link')).toHaveValue(new URL(`/d/${room}`, alice.page.url()).href);
  await expect(alice.page.getByTestId('copy-share-link')).toBeVisible();
  await expect(alice.page.getByTestId('share-qr')).toHaveAttribute('data-text', new URL(`/d/${room}`, alice.page.url()).href);
});

test('an offline tab says it is offline with N unsaved edits, not "Saving…"', async ({ alice, room }) => {
  await alice.open(room);
  await alice.page.getByTestId('offline-toggle').click();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await alice.editor.click();
  await alice.page.keyboard.type('abc');
  const pending = alice.page.getByTestId('pending-count');
  await expect(pending).toHaveAttribute('data-count', /[1-9]/);
  const count = await pending.getAttribute('data-count');
  const badge = alice.page.getByTestId('save-status');
  await expect(badge).toHaveText(`Offline · ${count} unsaved edits`);
  await expect(badge).not.toContainText('Saving');
  await alice.page.getByTestId('offline-toggle').click();
  await expect(badge).toHaveText('Saved');
});

test("the inspector's relay column is live: a watching tab does not show a typing peer behind", async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  await bob.page.getByTestId('inspector-toggle').click(); // bob only watches: he never gets a saved ack of his own
  await alice.editor.click();
  await alice.page.keyboard.type('alpha bravo');
  await alice.waitSaved();
  await expect.poll(() => bob.text()).toBe('alpha bravo');
  const aliceId = await alice.page.evaluate(() => {
    const row = document.querySelector('[data-testid=sv-entry][data-self]');
    return row?.getAttribute('data-client-id') ?? null;
  });
  // Alice's own inspector is closed; read her client id from bob's rows instead: the one writer that is not the seed.
  const rows = bob.page.locator('[data-testid=sv-entry]:not([data-self])');
  const alicesRow = aliceId ? bob.page.locator(`[data-testid=sv-entry][data-client-id="${aliceId}"]`) : rows.filter({ hasText: 'Alice' });
  await expect(alicesRow).toHaveCount(1);
  const clock = await alicesRow.getAttribute('data-clock');
  expect(Number(clock)).toBeGreaterThan(10);
  await expect(alicesRow).toHaveAttribute('data-relay-clock', clock!);
});

test("the inspector's explanation says what a clock counts, and typing one character moves it by what it says", async ({ alice, room }) => {
  await alice.open(room);
  await alice.page.getByTestId('inspector-toggle').click();
  const explanation = await alice.page.getByTestId('clock-explanation').innerText();
  expect(explanation).not.toMatch(/counts its insertions/);
  const stated = Number(/one typed character moves your clock by (\d+)/.exec(explanation)?.[1]);
  expect(stated).toBeGreaterThan(0);
  await alice.editor.click();
  await alice.page.keyboard.type('a');
  await alice.waitSaved(); // the keystroke and the caret position stored with it are both at the relay
  const mine = alice.page.locator('[data-testid=sv-entry][data-self]');
  const before = Number(await mine.getAttribute('data-clock'));
  await alice.page.keyboard.type('b');
  await expect.poll(async () => Number(await mine.getAttribute('data-clock')) - before).toBe(stated);
});

test('undo takes back one word at a time, and the line break on its own', async ({ alice, room }) => {
  await alice.open(room);
  await alice.editor.click();
  await alice.page.keyboard.type('one two three'); // faster than the 500 ms that would end a step by itself
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('four');
  const lines = async () => (await alice.text()).split('\n');
  await expect.poll(lines).toEqual(['one two three', 'four']);
  const states: string[][] = [];
  for (let i = 0; i < 4; i++) {
    const before = JSON.stringify(await lines());
    await alice.page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await lines())).not.toBe(before);
    states.push(await lines());
  }
  expect(states).toEqual([['one two three', ''], ['one two three'], ['one two '], ['one ']]);
});

test('lab strategy tabs show names, not ids', async ({ page }) => {
  await page.goto('/lab?scenario=title-lww');
  const tabs = page.getByRole('navigation', { name: 'Scenarios' }).getByRole('link');
  await expect(tabs.filter({ hasText: 'Last write wins' })).toBeVisible(); // the lab is a lazily loaded page
  const names = (await tabs.allInnerTexts()).map((t) => t.trim());
  expect(names).toContain('Last write wins');
  expect(names).toContain('Version vectors');
  for (const name of names) expect(name).not.toMatch(/^[a-z]+(-[a-z]+)+$/);
});

test('free mode opens with Step enabled and not "done"; a step with nothing in flight lets time pass', async ({ page }) => {
  await page.goto('/lab?scenario=free');
  const step = page.getByTestId('step');
  await expect(step).toBeEnabled();
  await expect(page.getByTestId('clock')).not.toContainText('done');
  await step.click();
  await expect(page.getByTestId('clock')).toContainText('t = 100 ms · step 1');
  await page.getByTestId('free-input-Alice').press('End');
  await page.getByTestId('free-input-Alice').pressSequentially('!');
  await step.click();
  await expect(page.getByTestId('clock')).toContainText('step 2');
});
