/**
 * The lab (issue 3): the chapter's HelloWorld played step by step, and every
 * scenario run to a result on both sides. The lab is standalone (no relay).
 */
import { expect, test, type Page } from '@playwright/test';

const SCENARIOS = ['hello-world', 'interleaving', 'insert-vs-delete', 'three-users', 'offline', 'free'];

async function stepUntilDone(page: Page) {
  const step = page.getByTestId('step');
  for (let i = 0; i < 200 && (await step.isEnabled()); i++) await step.click();
  await expect(step).toBeDisabled();
}

test.describe('lab', () => {
  test('hello-world: pressing step until done gives HelloWorld on both sides', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/lab?scenario=hello-world');
    await expect(page.getByTestId('ot-result')).toHaveAttribute('data-state', 'running');
    await stepUntilDone(page);
    for (const id of ['ot-result', 'crdt-result']) {
      await expect(page.getByTestId(id)).toHaveText('HelloWorld');
      await expect(page.getByTestId(id)).toHaveAttribute('data-text', 'HelloWorld');
    }
    // The chapter's transform is on screen: Bob's insert moved from @0 to @5.
    await expect(page.locator('.server-log')).toContainText('insert "World" @5');
    const shot = await page.screenshot({ path: 'test-results/lab-hello-world.png' });
    await testInfo.attach('lab-hello-world', { body: shot, contentType: 'image/png' });
  });

  test('hello-world: the flip switch gives WorldHello on both sides', async ({ page }) => {
    await page.goto('/lab?scenario=hello-world');
    await page.getByTestId('flip').check();
    await stepUntilDone(page);
    await expect(page.getByTestId('ot-result')).toHaveText('WorldHello');
    await expect(page.getByTestId('crdt-result')).toHaveText('WorldHello');
    await expect(page.getByTestId('tie-rule')).toContainText('flipped');
  });

  test('keyboard: Space steps, R resets', async ({ page }) => {
    await page.goto('/lab?scenario=hello-world');
    const clock = page.getByTestId('clock');
    await expect(clock).toContainText('step 0');
    await page.keyboard.press(' ');
    await page.keyboard.press(' ');
    await expect(clock).toContainText('step 2');
    await page.keyboard.press('r');
    await expect(clock).toContainText('step 0');
    // Space on a focused button still counts once, not twice (click + shortcut).
    await page.getByTestId('step').click();
    await expect(clock).toContainText('step 1');
    await page.keyboard.press(' ');
    await expect(clock).toContainText('step 2');
    for (let i = 0; i < 4; i++) await page.keyboard.press(' ');
    await expect(page.getByTestId('ot-result')).toHaveText('HelloWorld');
  });

  for (const scenario of SCENARIOS) {
    test(`run reaches a result on both sides: ${scenario}`, async ({ page }) => {
      test.setTimeout(60_000);
      await page.goto(`/lab?scenario=${scenario}`);
      if (scenario === 'free') {
        // Free mode starts with nothing to deliver: give it an edit first.
        await page.getByTestId('free-input-Alice').press('End');
        await page.getByTestId('free-input-Alice').pressSequentially(' now');
        await page.getByTestId('free-input-Bob').press('Home');
        await page.getByTestId('free-input-Bob').pressSequentially('Please ');
      }
      await page.getByTestId('run').click();
      const ot = page.getByTestId('ot-result');
      const crdt = page.getByTestId('crdt-result');
      await expect(ot).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
      await expect(crdt).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
      const text = await ot.getAttribute('data-text');
      expect(text).toBeTruthy();
      // Same script, same network: both algorithms reach the same text here.
      await expect(crdt).toHaveAttribute('data-text', text!);
      await expect(ot).toHaveText(text!);
    });
  }

  test('the header links back to the start page', async ({ page }) => {
    await page.goto('/lab');
    await expect(page.getByRole('link', { name: 'Concord' })).toHaveAttribute('href', '/');
  });
});
