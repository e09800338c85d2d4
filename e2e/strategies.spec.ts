/**
 * The replication lab (issue 6): every scenario run to its outcome with the
 * chapter's numbers, no page errors, and a 1280×720 screenshot per scenario
 * (test-results/strategies/<scenario>.png, copied to /tmp/shots/strategies/).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';

const SHOTS = 'test-results/strategies';
const COPY = '/tmp/shots/strategies';

function watchErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  return errors;
}

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const path = `${SHOTS}/${name}.png`;
  const body = await page.screenshot({ path });
  await testInfo.attach(name, { body, contentType: 'image/png' });
  try {
    mkdirSync(COPY, { recursive: true });
    copyFileSync(path, `${COPY}/${name}.png`);
  } catch {
    // The copy is a convenience for people; the attachment is the record.
  }
}

/** Presses Run and waits until every outcome is final. */
async function runToOutcome(page: Page) {
  await page.getByTestId('run').click();
  const outcomes = page.getByTestId('outcome');
  await expect(outcomes.first()).toBeVisible();
  await expect(page.locator('[data-testid=outcome][data-state=running]')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('step')).toBeDisabled();
}

async function outcomes(page: Page): Promise<Record<string, string>> {
  const els = await page.getByTestId('outcome').all();
  const out: Record<string, string> = {};
  for (const el of els) out[(await el.getAttribute('data-label'))!] = (await el.getAttribute('data-outcome'))!;
  return out;
}

async function open(page: Page, scenario: string) {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/lab?scenario=${scenario}`);
  for (const id of ['step', 'run', 'reset', 'caption']) await expect(page.getByTestId(id)).toBeVisible();
}

test.describe('replication lab', () => {
  test('title-lww: "Annual Report" without skew; the earlier write wins with a fast London clock', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'title-lww');
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ London: 'Annual Report', 'New York': 'Annual Report' });
    await expect(page.getByTestId('verdict')).toContainText('later write won');
    await expect(page.getByTestId('replica-A')).toContainText('lost');
    await shoot(page, testInfo, 'title-lww');
    // Skew London's clock +1.5 s: the same run now ends the other way.
    await page.getByTestId('param-skewA').fill('1500');
    await expect(page.locator('[data-label=London]')).toHaveAttribute('data-outcome', 'Q1 Report');
    await expect(page.getByTestId('verdict')).toContainText('EARLIER write won');
    await shoot(page, testInfo, 'title-lww-skewed');
    expect(errors).toEqual([]);
  });

  test('title-version-vectors: both siblings, then a user merge replaces them everywhere', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'title-version-vectors');
    await runToOutcome(page);
    for (const label of ['London', 'New York']) {
      await expect(page.locator(`[data-testid=outcome][data-label="${label}"]`)).toHaveAttribute('data-outcome', 'Q1 Report | Annual Report');
    }
    await expect(page.locator('.lab-diagram')).toContainText('[A:1, B:0]');
    await expect(page.locator('.lab-diagram')).toContainText('[A:0, B:1]');
    await shoot(page, testInfo, 'title-version-vectors');
    await page.getByTestId('act-pick:Q1 Annual Report').click();
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ London: 'Q1 Annual Report', 'New York': 'Q1 Annual Report' });
    // A causally later write replaces without conflict.
    await page.getByTestId('reset').click();
    await page.getByTestId('param-bob-causal').click();
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ London: 'Annual Report', 'New York': 'Annual Report' });
    expect(errors).toEqual([]);
  });

  test('title-crdt: both renames merged character by character', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'title-crdt');
    await runToOutcome(page);
    const out = await outcomes(page);
    expect(out.London).toBe(out['New York']);
    expect(out.London).toContain('Q1');
    expect(out.London).toContain('Annual');
    await shoot(page, testInfo, 'title-crdt');
    expect(errors).toEqual([]);
  });

  test('title-app-merge: "Q1 Report / Annual Report" and git-style markers', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'title-app-merge');
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ London: 'Q1 Report / Annual Report', 'New York': 'Q1 Report / Annual Report' });
    await expect(page.getByTestId('conflict-markers')).toContainText('<<<<<<<');
    await expect(page.getByTestId('conflict-markers')).toContainText('Title: Annual Report');
    await shoot(page, testInfo, 'title-app-merge');
    expect(errors).toEqual([]);
  });

  test('counter: G-Counter 7, naive integer 6; PN-Counter variant', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'counter');
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ 'naive integer': '6', 'G-Counter': '7' });
    await shoot(page, testInfo, 'counter');
    // The PN variant adds a decrement: same steps replayed, then run on to its end.
    await page.getByTestId('param-variant-pn').click();
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ 'naive integer': '5', 'PN-Counter': '6' });
    expect(errors).toEqual([]);
  });

  test('set: {apple, banana, cherry}', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'set');
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ set1: 'apple, banana, cherry', set2: 'apple, banana, cherry' });
    await page.getByTestId('param-remove-on').click();
    await runToOutcome(page);
    await expect(page.getByTestId('verdict')).toContainText('did not stick');
    await shoot(page, testInfo, 'set');
    expect(errors).toEqual([]);
  });

  test('cart: laptop and mouse under the OR-Set; the 2P-Set loses the re-added laptop', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'cart');
    await runToOutcome(page);
    const out = await outcomes(page);
    expect(out['OR-Set']).toBe('laptop, mouse');
    expect(out['2P-Set']).toBe('mouse');
    expect(out['naive list']).toBe('diverged');
    await shoot(page, testInfo, 'cart');
    expect(errors).toEqual([]);
  });

  for (const shape of ['mesh', 'star', 'ring'] as const) {
    test(`topology-${shape}: reaches an outcome on every leader, counters shown`, async ({ page }, testInfo) => {
      const errors = watchErrors(page);
      await open(page, `topology-${shape}`);
      await runToOutcome(page);
      const out = await outcomes(page);
      expect(Object.keys(out)).toEqual(['Leader A', 'Leader B', 'Leader C', 'Leader D']);
      for (const v of Object.values(out)) expect(v.split(' ').sort()).toEqual(['w1', 'w2']);
      await expect(page.getByTestId('counter-w1')).toHaveAttribute('data-messages', '3');
      if (shape === 'mesh') {
        // The update overtook the insert at D; causal delivery puts it back in order.
        expect(out['Leader D']).toBe('w2 w1');
        await shoot(page, testInfo, 'topology-mesh');
        await page.getByTestId('param-causal-on').click();
        await expect(page.locator('[data-label="Leader D"]')).toHaveAttribute('data-outcome', 'w1 w2');
        await shoot(page, testInfo, 'topology-mesh-causal');
      } else {
        await shoot(page, testInfo, `topology-${shape}`);
      }
      expect(errors).toEqual([]);
    });
  }

  test('topology-ring: one failed leader stops propagation; star: the hub is a single point of failure', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'topology-ring');
    await page.getByTestId('act-fail:C').click();
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({ 'Leader A': 'none', 'Leader B': 'w1', 'Leader C': 'none', 'Leader D': 'none' });
    await expect(page.getByTestId('verdict')).toContainText('stops the ring');
    await shoot(page, testInfo, 'topology-ring-failed');
    await open(page, 'topology-star');
    await page.getByTestId('act-fail:A').click();
    await runToOutcome(page);
    await expect(page.getByTestId('verdict')).toContainText('single point of failure');
    await shoot(page, testInfo, 'topology-star-hub-failed');
    expect(errors).toEqual([]);
  });

  test('multi-dc: write latency per user, single leader vs multi-leader', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'multi-dc');
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({
      'single-leader · US user': '10',
      'single-leader · EU user': '110',
      'single-leader · Asia user': '190',
      'multi-leader · US user': '10',
      'multi-leader · EU user': '10',
      'multi-leader · Asia user': '10',
    });
    await expect(page.locator('.lags')).toContainText('US→EU 50 ms');
    await shoot(page, testInfo, 'multi-dc');
    expect(errors).toEqual([]);
  });

  test('multi-dc quorum variant: ack after 1 vs 2 datacenters, and what losing EU costs in each', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await open(page, 'multi-dc');
    await page.getByTestId('param-compare-quorum').click();
    await page.getByTestId('param-failure-EU').click();
    await runToOutcome(page);
    expect(await outcomes(page)).toEqual({
      'ack after 1 DC · US user': '10',
      'ack after 1 DC · EU user': '10',
      'ack after 1 DC · Asia user': '10',
      'ack after 2 DCs · US user': '190',
      'ack after 2 DCs · EU user': 'none',
      'ack after 2 DCs · Asia user': '190',
      'ack after 1 DC · acked writes lost': '1',
      'ack after 2 DCs · acked writes lost': '0',
    });
    await expect(page.getByTestId('verdict')).toContainText('EU\'s write was acknowledged and is lost');
    await shoot(page, testInfo, 'multi-dc-quorum');
    expect(errors).toEqual([]);
  });

  test('keyboard: Space steps, R resets', async ({ page }) => {
    await open(page, 'counter');
    const clock = page.getByTestId('clock');
    await page.keyboard.press(' ');
    await page.keyboard.press(' ');
    await expect(clock).toContainText('step 2');
    await page.keyboard.press('r');
    await expect(clock).toContainText('step 0');
  });

  test('/lab is the decision matrix; every row links to a scenario that opens', async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/lab');
    await expect(page.getByTestId('matrix-row')).toHaveCount(6);
    for (const row of ['Simple CRUD app', 'Global low-latency writes', 'Offline capability', 'Collaborative editing', 'Strong consistency needed', 'Minimal operational complexity']) {
      await expect(page.getByTestId('decision-matrix')).toContainText(row);
    }
    await shoot(page, testInfo, 'index');
    const hrefs = await page.getByTestId('decision-matrix').locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThanOrEqual(6);
    for (const href of hrefs) {
      await page.goto(href);
      await expect(page.getByTestId('step')).toBeVisible();
      await expect(page.locator('.notice')).toHaveCount(0);
    }
    await page.goto('/lab?scenario=hello-world');
    await expect(page.getByTestId('ot-result')).toBeVisible();
    expect(errors).toEqual([]);
  });
});
