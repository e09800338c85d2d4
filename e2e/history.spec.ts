/**
 * History (issue 13): versions with authors that survive a relay restart and
 * compaction, scrubbing, restore as a new edit, the changes view, read-only
 * history for a view-key holder, export and Markdown import/paste.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type Actor } from './fixtures';
import { startRelayProcess, type RelayProcess } from './support/relay';

/** The visible text of the history view's document, blocks separated by newlines (placeholders dropped). */
async function viewText(page: Page): Promise<string> {
  return page.getByTestId('history-view').evaluate((view) =>
    [...view.querySelectorAll('[data-block-type]')].map((block) => (block.textContent ?? '').replace(/[\u200b\uFEFF]/g, '')).join('\n'),
  );
}

async function scrubTo(page: Page, version: number): Promise<void> {
  await page.getByTestId('history-slider').fill(String(version));
  await expect(page.getByTestId('history-view')).toHaveAttribute('data-version', String(version));
}

async function sliderBounds(slider: Locator): Promise<{ min: number; max: number }> {
  return { min: Number(await slider.getAttribute('min')), max: Number(await slider.getAttribute('max')) };
}

async function openHistory(actor: Actor): Promise<Locator> {
  await actor.page.getByTestId('history-toggle').click();
  const slider = actor.page.getByTestId('history-slider');
  await expect(slider).toBeVisible();
  return slider;
}

test.describe('with a relay that compacts every 5 updates', () => {
  let relay: RelayProcess;
  test.beforeEach(async () => {
    relay = await startRelayProcess({ COMPACT_AFTER_UPDATES: '5' });
  });
  test.afterEach(async () => {
    await relay.stop();
  });

  test('V3 V8: two named users write in turns, one replaces everything; after a restart a third scrubs back, sees who wrote what, restores it for everyone as a new version', async ({
    alice,
    bob,
    carol,
    room,
  }) => {
    await alice.open(room, relay.url);
    await bob.open(room, relay.url);
    await alice.editor.click();
    await alice.page.keyboard.type("Alice's line");
    await alice.waitSaved();
    await expect.poll(() => bob.text()).toBe("Alice's line");
    await bob.caretToEnd();
    await bob.page.keyboard.press('Enter');
    await bob.page.keyboard.type("Bob's line");
    await bob.waitSaved();
    await expect.poll(() => alice.text()).toBe("Alice's line\nBob's line");

    await alice.editor.click();
    await alice.page.keyboard.press('Control+A');
    await alice.page.keyboard.press('Backspace');
    await alice.page.keyboard.type('Something new');
    await alice.waitSaved();
    await expect.poll(() => bob.text()).toBe('Something new');

    // A clean restart: every room is stored and compacted (COMPACT_AFTER_UPDATES=5 also compacted while typing).
    await relay.stop();
    await relay.restart();
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });

    await carol.open(room, relay.url);
    const page = carol.page;
    const slider = await openHistory(carol);
    const { min, max } = await sliderBounds(slider);
    await expect(page.getByTestId('history-view')).toHaveAttribute('data-version', String(max));
    expect(await viewText(page)).toBe('Something new');

    // Back through the versions to the one with both earlier lines.
    let both = -1;
    for (let version = max; version >= min; version--) {
      await scrubTo(page, version);
      if ((await viewText(page)) === "Alice's line\nBob's line") {
        both = version;
        break;
      }
    }
    expect(both, 'a version shows both earlier lines').toBeGreaterThan(min);
    const view = page.getByTestId('history-view');
    await expect(view.locator('[data-author="Alice"]')).toHaveText(["Alice's line"]);
    await expect(view.locator('[data-author="Bob"]')).toHaveText(["Bob's line"]);
    await expect(view.locator('[data-author="Alice"]')).toHaveAttribute('data-author-color', '#d9480f');
    await expect(view.locator('[data-author="Bob"]')).toHaveAttribute('data-author-color', '#1971c2');
    // Tinted in the author's colour.
    const tint = await view.locator('[data-author="Bob"]').evaluate((span) => getComputedStyle(span).backgroundColor);
    expect(tint).toMatch(/^(rgba\(25, 113, 194|color\(srgb 0\.09)/);
    // The version's time and author are listed beside the slider.
    await expect(page.getByTestId('history-version').getByTestId('version-author')).toHaveText(['Bob']);

    await page.getByTestId('restore').click();
    for (const actor of [alice, bob, carol]) await expect.poll(() => actor.text()).toBe("Alice's line\nBob's line");

    // The restore is a new version; the one before it is still there.
    await expect(slider).toHaveAttribute('max', String(max + 1), { timeout: 15_000 });
    await expect(page.getByTestId('history-view')).toHaveAttribute('data-version', String(max + 1));
    expect(await viewText(page)).toBe("Alice's line\nBob's line");
    await expect(page.getByTestId('history-version').getByTestId('version-author')).toHaveText(['Carol']);
    await scrubTo(page, max);
    expect(await viewText(page)).toBe('Something new');
    await scrubTo(page, both);
    expect(await viewText(page)).toBe("Alice's line\nBob's line");

    // The changes view of the replacing version: what it removed, struck through, and what it added.
    await scrubTo(page, both + 1);
    await page.getByTestId('history-changes').check();
    await expect(view.locator('[data-change="removed"]')).not.toHaveCount(0);
    await expect(view.locator('[data-change="removed"]').first()).toHaveCSS('text-decoration-line', 'line-through');
    expect((await view.locator('[data-change="removed"]').allTextContents()).join('')).toContain("Bob's line");
    expect((await view.locator('[data-change="added"]').allTextContents()).join('')).toContain('Something new');

    // A restore is undoable in the editor like any edit.
    await page.getByTestId('history-close').click();
    await carol.editor.click();
    await page.keyboard.press('Control+z');
    for (const actor of [alice, carol]) await expect.poll(() => actor.text()).toBe('Something new');
  });
});

test('V5 V6: a view-key holder scrubs history read-only; without a key the relay refuses it; a version that does not exist is a clear error', async ({
  alice,
  bob,
  request,
}) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('new-protected-document').click();
  const viewLink = await alice.page.getByTestId('view-link').inputValue();
  await alice.page.getByTestId('open-edit-link').click();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await alice.editor.click();
  await alice.page.keyboard.type('protected words');
  await alice.waitSaved();
  const room = new URL(viewLink, 'http://x').pathname.split('/').pop()!;
  const viewKey = new URL(viewLink, 'http://x').searchParams.get('key')!;

  await bob.page.goto(viewLink);
  await expect(bob.page.getByTestId('view-only')).toBeVisible();
  await openHistory(bob);
  await expect(bob.page.getByTestId('history-view').locator('[data-author="Alice"]')).toHaveText(['protected words']);
  await expect(bob.page.getByTestId('restore')).toHaveCount(0);
  await expect(bob.page.getByTestId('import')).toHaveCount(0);

  const noKey = await request.get(`/api/docs/${room}/history`);
  expect(noKey.status()).toBe(401);
  expect((await noKey.json()).error).toMatch(/protected/);
  expect((await request.get(`/api/docs/${room}/history?key=wrong`)).status()).toBe(403);
  const missing = await request.get(`/api/docs/${room}/history/999?key=${viewKey}`);
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error).toMatch(/^no version 999: this document's versions are 0–\d+$/);
  expect((await request.get(`/api/docs/${room}/history/first?key=${viewKey}`)).status()).toBe(400);
  const markdown = await request.get(`/api/docs/${room}/history/1?key=${viewKey}&format=markdown`);
  expect(markdown.status()).toBe(200);
  expect(markdown.headers()['content-disposition']).toMatch(/attachment; filename=".+-version-1\.md"/);
});

const MARKDOWN = `# Plan

A **bold** start, *some italics*, <u>underlined</u> and \`code\`.

## Steps

- first
  - nested
- second

1. one
2. two

> quoted words
`;

test('V9: import a Markdown file, export it again as Markdown, HTML and text; paste Markdown; export a past version', async ({ alice, bob, room }) => {
  await alice.open(room);
  const page = alice.page;
  await page.getByTestId('import-file').setInputFiles({ name: 'plan.md', mimeType: 'text/markdown', buffer: Buffer.from(MARKDOWN) });
  await expect(page.locator('[data-slate-editor] [data-block-type="heading-one"]')).toHaveText('Plan');
  await expect(page.locator('[data-slate-editor] [data-block-type="heading-two"]')).toHaveText('Steps');
  await expect(page.locator('[data-slate-editor] [data-block-type="list-item"]')).toHaveCount(5);
  await expect(page.locator('[data-slate-editor] [data-block-type="block-quote"]')).toHaveText('quoted words');
  await expect(page.locator('[data-slate-editor] strong')).toHaveText('bold');
  await expect(page.locator('[data-slate-editor] em')).toHaveText('some italics');
  await expect(page.locator('[data-slate-editor] u')).toHaveText('underlined');
  await expect(page.locator('[data-slate-editor] code')).toHaveText('code');
  await page.getByTestId('title').fill('Plan of Record');
  await alice.waitSaved();

  const download = async (format: string) => {
    await page.locator('.toolbar-row').getByTestId('export').click();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()]);
    return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
  };
  const md = await download('markdown');
  expect(md.name).toBe('plan-of-record.md');
  expect(md.text).toBe(MARKDOWN);
  const html = await download('html');
  expect(html.name).toBe('plan-of-record.html');
  expect(html.text).toContain('<title>Plan of Record</title>');
  expect(html.text).toContain('<h1>Plan</h1>');
  expect(html.text).toContain('<ul><li>first<ul><li>nested</li></ul></li><li>second</li></ul>');
  expect(html.text).toContain('<u>underlined</u>');
  const text = await download('text');
  expect(text.name).toBe('plan-of-record.txt');
  expect(text.text).toContain('- first\n  - nested\n- second\n1. one\n2. two\nquoted words\n');

  // Bob pastes Markdown at the end: its blocks and marks, as a version of his.
  await bob.open(room);
  await bob.caretToEnd();
  await bob.page.keyboard.press('Enter');
  await bob.editor.evaluate((editor) => {
    const data = new DataTransfer();
    data.setData('text/plain', '## Pasted\n\n- **item** one\n');
    editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(bob.page.locator('[data-slate-editor] [data-block-type="heading-two"]')).toHaveText(['Steps', 'Pasted']);
  await expect(bob.page.locator('[data-slate-editor] [data-block-type="list-item"]').last()).toHaveText('item one');
  await expect(bob.page.locator('[data-slate-editor] [data-block-type="list-item"]').last().locator('strong')).toHaveText('item');
  await bob.waitSaved();
  await expect.poll(() => alice.text()).toContain('Pasted');

  // Alice's version (the import) exports as it was, without Bob's paste.
  await page.getByTestId('history-toggle').click();
  const history = page.getByTestId('history');
  await scrubTo(page, 1);
  await expect(history.getByTestId('history-version').getByTestId('version-author')).toHaveText(['Alice']);
  await history.getByTestId('export').click();
  const [file] = await Promise.all([page.waitForEvent('download'), history.getByTestId('export-markdown').click()]);
  expect(file.suggestedFilename()).toBe('plan-of-record-version-1.md');
  expect(readFileSync((await file.path())!, 'utf8')).toBe(MARKDOWN);
  await history.getByTestId('history-close').click();

  // Importing over a document with content asks first; the import is one edit that undo takes back.
  const before = await alice.text();
  await page.getByTestId('import-file').setInputFiles({ name: 'short.md', mimeType: 'text/markdown', buffer: Buffer.from('# Short\n\nReplaced.\n') });
  await expect(page.getByTestId('import-confirm')).toContainText('short.md');
  await page.getByTestId('import-replace').click();
  await expect.poll(() => alice.text()).toBe('Short\nReplaced.');
  await expect.poll(() => bob.text()).toBe('Short\nReplaced.');
  await alice.editor.click();
  await page.keyboard.press('Control+z');
  await expect.poll(() => alice.text()).toBe(before);
});
