/**
 * Issue 12, item 4: the document page and the lab on a phone (390×844: no
 * horizontal page scroll) and on a projector (1280×720: diagram labels of at
 * least 14 px; every lab button at WCAG AA contrast, 4.5:1, in every state).
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const PHONE = { width: 390, height: 844 };
const PROJECTOR = { width: 1280, height: 720 };

const OT_VS_CRDT = ['hello-world', 'interleaving', 'insert-vs-delete', 'three-users', 'offline', 'free'];
const STRATEGIES = [
  'title-lww',
  'title-version-vectors',
  'title-crdt',
  'title-app-merge',
  'counter',
  'set',
  'cart',
  'topology-mesh',
  'topology-star',
  'topology-ring',
  'multi-dc',
];
const ALL_SCENARIOS = [...OT_VS_CRDT, ...STRATEGIES];

async function pageWidth(page: Page): Promise<{ scroll: number; wide: string[] }> {
  return page.evaluate(() => {
    const wide: string[] = [];
    const clipped = (el: Element) => {
      for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        if (getComputedStyle(node).overflowX !== 'visible') return true; // scrolls inside its own box, not the page
      }
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > window.innerWidth + 1 && !clipped(el)) wide.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} → ${Math.round(box.right)} px`);
    }
    return { scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5) };
  });
}

test.describe('phone, 390×844', () => {
  test.use({ viewport: PHONE });

  test('the document page does not scroll sideways and its title field is usable', async ({ page, room }) => {
    await page.goto(`/d/${room}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    expect(await pageWidth(page)).toEqual({ scroll: PHONE.width, wide: [] });
    expect((await page.getByTestId('title').boundingBox())!.width).toBeGreaterThan(300);
    await page.getByTestId('inspector-toggle').click(); // the inspector too
    await page.getByTestId('share-button').click(); // and the share panel
    await expect(page.getByTestId('share-qr')).toBeVisible();
    expect(await pageWidth(page)).toEqual({ scroll: PHONE.width, wide: [] });
  });

  for (const path of ['/lab', ...ALL_SCENARIOS.map((s) => `/lab?scenario=${s}`)]) {
    test(`${path} does not scroll sideways`, async ({ page }) => {
      await page.goto(path);
      await expect(page.locator('.lab')).toBeVisible();
      const end = page.getByRole('button', { name: 'End', exact: true });
      if ((await end.count()) > 0 && (await end.isEnabled())) await end.click(); // the busiest diagram and results
      expect(await pageWidth(page)).toEqual({ scroll: PHONE.width, wide: [] });
    });
  }

  test('HelloWorld: each diagram uses the phone\'s width', async ({ page }) => {
    await page.goto('/lab?scenario=hello-world');
    for (const diagram of await page.locator('svg.lab-diagram').all()) {
      expect((await diagram.boundingBox())!.width).toBeGreaterThan(340);
    }
  });
});

/** Rendered size of every text label of the page's diagrams, in CSS px, below `min`. */
function smallLabels(page: Page, min: number): Promise<string[]> {
  return page.evaluate((minPx) => {
    const small: string[] = [];
    for (const svg of document.querySelectorAll<SVGSVGElement>('svg.lab-diagram, svg.topology-graph')) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const text of svg.querySelectorAll('text')) {
        if (!text.textContent?.trim()) continue;
        const px = parseFloat(getComputedStyle(text).fontSize) * scale;
        if (px < minPx) small.push(`${text.parentElement?.getAttribute('class') ?? ''} "${text.textContent}" ${px.toFixed(1)} px`);
      }
    }
    return small;
  }, min);
}

test.describe('projector, 1280×720', () => {
  test.use({ viewport: PROJECTOR });

  for (const scenario of ALL_SCENARIOS) {
    test(`${scenario}: every diagram label is at least 14 px`, async ({ page }) => {
      await page.goto(`/lab?scenario=${scenario}`);
      await expect(page.locator('svg.lab-diagram').first()).toBeVisible();
      expect(await smallLabels(page, 14)).toEqual([]);
      await page.getByRole('button', { name: 'Step' }).click();
      await page.getByRole('button', { name: 'Step' }).click();
      expect(await smallLabels(page, 14)).toEqual([]); // arrows in flight, with their labels
      const end = page.getByRole('button', { name: 'End', exact: true });
      if (await end.isEnabled()) await end.click();
      expect(await smallLabels(page, 14)).toEqual([]);
    });
  }
});

/** The contrast ratio of a button's text against what is behind it, as rendered (opacity included). */
function contrastOf(button: Locator): Promise<number> {
  return button.evaluate((el) => {
    type RGBA = [number, number, number, number];
    const parse = (css: string): RGBA => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a = '1'] = m[1].split(/[ ,/]+/).filter(Boolean);
      return [Number(r), Number(g), Number(b), Number(a)];
    };
    const over = (top: RGBA, bottom: RGBA): RGBA => {
      const a = top[3];
      return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
    };
    const chain: Element[] = [];
    for (let node: Element | null = el; node; node = node.parentElement) chain.unshift(node);
    let backdrop: RGBA = [255, 255, 255, 1];
    let opacity = 1;
    for (const node of chain) {
      const style = getComputedStyle(node);
      opacity *= Number(style.opacity);
      if (node !== el) backdrop = over(parse(style.backgroundColor), backdrop);
    }
    const style = getComputedStyle(el);
    const background = over(parse(style.backgroundColor), backdrop);
    const text = over(parse(style.color), background);
    const faded = (c: RGBA): RGBA => over([c[0], c[1], c[2], opacity], backdrop);
    const luminance = ([r, g, b]: RGBA) => {
      const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const [l1, l2] = [luminance(faded(text)), luminance(faded(background))].sort((a, b) => b - a);
    return (l1 + 0.05) / (l2 + 0.05);
  });
}

/** Every visible button of the page, at rest, under the mouse and focused: the ones under 4.5:1. */
async function poorlyContrastedButtons(page: Page): Promise<string[]> {
  const poor: string[] = [];
  for (const button of await page.locator('.lab button:visible').all()) {
    const name = `${(await button.innerText()).replace(/\s+/g, ' ').trim()}${(await button.isDisabled()) ? ' (disabled)' : ''}`;
    const check = async (state: string) => {
      const ratio = await contrastOf(button);
      if (ratio < 4.5) poor.push(`${name} ${state}: ${ratio.toFixed(2)}:1`);
    };
    await page.mouse.move(0, 0);
    await check('at rest');
    await button.hover({ force: true });
    await check('under the mouse');
    await button.focus();
    await check('focused');
    await button.blur();
  }
  return poor;
}

test.describe('button contrast, WCAG AA', () => {
  test.use({ viewport: PROJECTOR });

  for (const scenario of ALL_SCENARIOS) {
    test(`${scenario}: every button, enabled and disabled, at rest, hovered and focused, is at least 4.5:1`, async ({ page }) => {
      test.setTimeout(90_000);
      await page.goto(`/lab?scenario=${scenario}`);
      await expect(page.getByRole('button', { name: 'Step' })).toBeVisible();
      expect(await poorlyContrastedButtons(page)).toEqual([]); // the start: End/Step enabled
      const end = page.getByRole('button', { name: 'End', exact: true });
      if (await end.isEnabled()) await end.click(); // the end: Step, Run, End disabled
      expect(await poorlyContrastedButtons(page)).toEqual([]);
    });
  }
});
