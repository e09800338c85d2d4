/**
 * Classrooms, end to end with real browser contexts (docs/PROTOCOL.md T1–T5):
 * a teacher console and four students, each in its own context. The student
 * link the console shows is checked, but every browser here connects to the
 * test relay on 127.0.0.1 only: students open `/d/<room>` on the base URL.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { expect, occurrences, test, tokens } from './fixtures';
import { plainText, readDocument } from './support/documentState';
import { startRelayProcess, type RelayProcess } from './support/relay';

const COLOURS = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5'];

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
}

async function person(browser: Browser, name: string, colour = '#1971c2'): Promise<Person> {
  const context = await browser.newContext();
  await context.addInitScript(
    ([n, c]) => localStorage.getItem('concord.user') ?? localStorage.setItem('concord.user', JSON.stringify({ name: n, color: c })),
    [name, colour] as const,
  );
  return { name, context, page: await context.newPage() };
}

async function text(page: Page): Promise<string> {
  return plainText(await readDocument(page));
}

/** The words of `expected` that the page's document does not show. */
async function missing(page: Page, expected: readonly string[]): Promise<string[]> {
  const words = new Set((await text(page)).split(/\s+/));
  return expected.filter((word) => !words.has(word));
}

/** The teacher creates a classroom from the start page; returns the console's page, room and key. */
async function startClassroom(teacher: Person, base: string): Promise<{ room: string; key: string }> {
  await teacher.page.goto(`${base}/`);
  await teacher.page.getByTestId('new-classroom').click();
  await teacher.page.waitForURL(/\/teach\/[A-Za-z0-9_-]+\?key=/);
  const url = new URL(teacher.page.url());
  await expect(teacher.page.getByTestId('classroom-status')).toHaveAttribute('data-partitioned', 'false');
  return { room: url.pathname.split('/')[2], key: url.searchParams.get('key')! };
}

async function join(student: Person, base: string, room: string): Promise<void> {
  await student.page.goto(`${base}/d/${room}`);
  await expect(student.page.locator('[data-slate-editor]')).toBeVisible();
  await expect(student.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
}

async function typeAtEnd(student: Person, words: string[]): Promise<void> {
  await student.page.locator('[data-slate-editor]').click();
  await student.page.keyboard.press('Control+End');
  await student.page.waitForTimeout(150); // slate-react reads the selection on a 100 ms throttle
  for (const word of words) await student.page.keyboard.type(`${word} `, { delay: 15 });
}

/** Decodes the QR code as drawn on screen (a screenshot of the element, as a phone camera would see it). */
async function scanQr(page: Page, testId: string): Promise<string | null> {
  const png = PNG.sync.read(await page.getByTestId(testId).screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

let people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

async function classOfFour(browser: Browser, base: string) {
  const teacher = await person(browser, 'Teacher');
  const students = await Promise.all(['Ada', 'Ben', 'Cy', 'Dee'].map((n, i) => person(browser, n, COLOURS[i])));
  people = [teacher, ...students];
  const { room, key } = await startClassroom(teacher, base);
  for (const s of students) await join(s, base, room); // one after the other: the join order decides the groups
  await expect(teacher.page.getByTestId('student')).toHaveCount(4);
  return { teacher, students, room, key };
}

test('T2 T3: teacher + 4 students: partition, each group types and sees only its own group; heal merges every token once', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const { teacher, students, room } = await classOfFour(browser, baseURL!);
  const [ada, ben, cy, dee] = students;

  // The console: the student link (this relay listens on 127.0.0.1, so the link is the address the teacher used), copy, QR.
  const link = (await teacher.page.getByTestId('student-link').textContent())!.trim();
  expect(new URL(link).pathname).toBe(`/d/${room}`);
  const qr = await teacher.page.getByTestId('share-qr').boundingBox();
  expect(qr!.width).toBeGreaterThanOrEqual(100);
  expect(qr!.height).toBeGreaterThanOrEqual(100);
  expect(await scanQr(teacher.page, 'share-qr')).toBe(link);
  await expect(teacher.page.getByTestId('copy-student-link')).toBeVisible();
  await expect(teacher.page.getByTestId('student')).toHaveText([/Ada/, /Ben/, /Cy/, /Dee/]);
  for (const row of await teacher.page.getByTestId('student').all()) await expect(row).toHaveAttribute('data-group', '');
  await expect(ada.page.getByTestId('partition-banner')).toHaveCount(0);

  await typeAtEnd(ada, ['before']);
  await expect.poll(() => text(dee.page)).toContain('before');

  await teacher.page.getByTestId('partition').click();
  await expect(teacher.page.getByTestId('classroom-status')).toHaveAttribute('data-partitioned', 'true');
  // Alternating in join order.
  const groups = { A: [ada, cy], B: [ben, dee] } as const;
  for (const [group, members] of Object.entries(groups)) {
    for (const s of members) {
      const banner = s.page.getByTestId('partition-banner');
      await expect(banner).toHaveAttribute('data-group', group);
      await expect(banner).toContainText(`datacenter ${group}`);
      await expect(banner).toContainText('cannot see');
    }
  }
  await expect(teacher.page.getByTestId('student')).toHaveText([/Ada\s*A/, /Ben\s*B/, /Cy\s*A/, /Dee\s*B/]);
  for (const s of students) await expect(s.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  // Presence stays in the group too.
  await expect(ada.page.getByTestId('peer')).toHaveText([/Cy/]);
  await expect(ben.page.getByTestId('peer')).toHaveText([/Dee/]);

  const written = { ada: tokens('ada', 4), ben: tokens('ben', 4), cy: tokens('cy', 4), dee: tokens('dee', 4) };
  await Promise.all([typeAtEnd(ada, written.ada), typeAtEnd(ben, written.ben), typeAtEnd(cy, written.cy), typeAtEnd(dee, written.dee)]);
  const groupA = [...written.ada, ...written.cy];
  const groupB = [...written.ben, ...written.dee];
  for (const s of groups.A) await expect.poll(() => missing(s.page, groupA)).toEqual([]);
  for (const s of groups.B) await expect.poll(() => missing(s.page, groupB)).toEqual([]);
  for (const s of students) await expect(s.page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  // Everyone is saved and their group has everything: anything leaking across would be here by now.
  for (const s of groups.A) expect((await text(s.page)).split(/\s+/).filter((w) => groupB.includes(w))).toEqual([]);
  for (const s of groups.B) expect((await text(s.page)).split(/\s+/).filter((w) => groupA.includes(w))).toEqual([]);

  // The console shows each datacenter's document live.
  const viewA = teacher.page.locator('[data-testid=live-document][data-group=A]');
  const viewB = teacher.page.locator('[data-testid=live-document][data-group=B]');
  await expect(viewA).toContainText(written.cy[3]);
  await expect(viewB).toContainText(written.dee[3]);
  await expect(viewA).not.toContainText(written.ben[0]);
  await expect(viewB).not.toContainText(written.ada[0]);

  await teacher.page.getByTestId('heal').click();
  await expect(teacher.page.getByTestId('classroom-status')).toHaveAttribute('data-partitioned', 'false');
  for (const s of students) await expect(s.page.getByTestId('partition-banner')).toHaveCount(0);
  const all = [...groupA, ...groupB, 'before'];
  for (const s of students) await expect.poll(() => missing(s.page, all), { timeout: 20_000 }).toEqual([]);
  const final = await readDocument(ada.page);
  for (const s of students) await expect.poll(() => readDocument(s.page)).toEqual(final);
  const finalText = plainText(final);
  for (const token of all) expect(occurrences(finalText, token), token).toBe(1);
  await expect(teacher.page.locator('[data-testid=live-document][data-group=""]')).toContainText(written.dee[3]);
  await expect(ada.page.getByTestId('peer')).toHaveCount(3);

  // What each group wrote while apart.
  const report = teacher.page.getByTestId('heal-report');
  await expect(report.locator('[data-testid=group-writes][data-group=A]')).toContainText(written.ada[0]);
  await expect(report.locator('[data-testid=group-writes][data-group=A]')).toContainText(written.cy[3]);
  await expect(report.locator('[data-testid=group-writes][data-group=A]')).not.toContainText(written.ben[0]);
  await expect(report.locator('[data-testid=group-writes][data-group=B]')).toContainText(written.dee[0]);
  await expect(report.locator('[data-testid=group-writes][data-group=B]')).not.toContainText('before');
});

test('T1: a student at /teach/<room> gets no working controls, and their crafted partition, heal and move requests are refused', async ({ browser, baseURL }) => {
  test.setTimeout(90_000); // five browser contexts on a 2-core machine
  const { teacher, students, room } = await classOfFour(browser, baseURL!);
  const [ada] = students;

  await ada.page.goto(`${baseURL}/teach/${room}`);
  await expect(ada.page.getByTestId('teacher-denied')).toHaveAttribute('data-status', '401');
  await expect(ada.page.getByTestId('partition')).toHaveCount(0);
  await expect(ada.page.getByTestId('heal')).toHaveCount(0);
  await ada.page.goto(`${baseURL}/teach/${room}?key=letmein`);
  await expect(ada.page.getByTestId('teacher-denied')).toHaveAttribute('data-status', '403');
  await expect(ada.page.getByTestId('partition')).toHaveCount(0);

  // Crafted by hand from the student's own page.
  const statuses = await ada.page.evaluate(async (r) => {
    const post = (path: string, body: unknown) =>
      fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((x) => x.status);
    return {
      partitionNoKey: await post(`/api/classrooms/${r}/partition`, {}),
      partitionGuess: await post(`/api/classrooms/${r}/partition`, { key: 'A'.repeat(43) }),
      partitionStudentId: await post(`/api/classrooms/${r}/partition`, { key: localStorage.getItem('concord.student') }),
      heal: await post(`/api/classrooms/${r}/heal`, { key: 'teacher' }),
      move: await post(`/api/classrooms/${r}/move`, { key: 'teacher', student: localStorage.getItem('concord.student') }),
      roster: await fetch(`/api/classrooms/${r}`).then((x) => x.status),
    };
  }, room);
  expect(statuses).toEqual({ partitionNoKey: 401, partitionGuess: 403, partitionStudentId: 403, heal: 403, move: 403, roster: 401 });
  // Nothing changed: the class is whole, no banner anywhere.
  await expect(teacher.page.getByTestId('classroom-status')).toHaveAttribute('data-partitioned', 'false');
  for (const s of students.slice(1)) await expect(s.page.getByTestId('partition-banner')).toHaveCount(0);
  await expect(teacher.page.getByTestId('partition')).toBeEnabled();
});

test('T4: the teacher moves a student to the other datacenter; they see that group from then on', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const { teacher, students } = await classOfFour(browser, baseURL!);
  const [ada, ben, cy] = students;
  await teacher.page.getByTestId('partition').click();
  await expect(ben.page.getByTestId('partition-banner')).toHaveAttribute('data-group', 'B');
  await typeAtEnd(ada, ['onlyA']);
  await expect.poll(() => text(cy.page)).toContain('onlyA');

  await teacher.page.locator('[data-testid=student]', { hasText: 'Ben' }).getByTestId('move-student').click();
  await expect(teacher.page.locator('[data-testid=student]', { hasText: 'Ben' })).toHaveAttribute('data-group', 'A');
  await expect(ben.page.getByTestId('partition-banner')).toHaveAttribute('data-group', 'A');
  await expect.poll(() => text(ben.page)).toContain('onlyA');
  await expect(ben.page.getByTestId('peer')).toHaveCount(2);
  await expect.poll(async () => (await ben.page.getByTestId('peer').allInnerTexts()).map((t) => t.trim()).sort()).toEqual(['Ada', 'Cy']);
});

test('T5: the relay is SIGKILLed mid-partition and restarted: both groups keep their own documents, nothing saved is lost, heal merges it all', async ({ browser }) => {
  test.setTimeout(120_000);
  let relay: RelayProcess | null = await startRelayProcess();
  try {
    const { teacher, students } = await classOfFour(browser, relay.url);
    const [ada, ben, cy, dee] = students;
    await teacher.page.getByTestId('partition').click();
    await expect(dee.page.getByTestId('partition-banner')).toHaveAttribute('data-group', 'B');
    await expect(cy.page.getByTestId('partition-banner')).toHaveAttribute('data-group', 'A');
    for (const s of students) await expect(s.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');

    await Promise.all([typeAtEnd(ada, ['adaBefore']), typeAtEnd(ben, ['benBefore'])]);
    for (const s of [ada, ben]) await expect(s.page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');

    await relay.kill();
    for (const s of students) await expect(s.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
    await Promise.all([typeAtEnd(cy, ['cyDuring']), typeAtEnd(dee, ['deeDuring'])]); // every tab is a leader
    await relay.restart();
    for (const s of students) await expect(s.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
    for (const s of students) await expect(s.page.getByTestId('partition-banner')).toHaveAttribute('data-group', s === ada || s === cy ? 'A' : 'B');

    await expect.poll(() => text(ada.page), { timeout: 20_000 }).toContain('cyDuring');
    await expect.poll(() => text(ben.page), { timeout: 20_000 }).toContain('deeDuring');
    await expect.poll(() => text(cy.page)).toContain('adaBefore');
    await expect.poll(() => text(dee.page)).toContain('benBefore');
    for (const s of [ada, cy]) expect(await text(s.page)).not.toMatch(/benBefore|deeDuring/);
    for (const s of [ben, dee]) expect(await text(s.page)).not.toMatch(/adaBefore|cyDuring/);
    for (const s of students) await expect(s.page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');

    await expect(teacher.page.getByTestId('heal')).toBeEnabled({ timeout: 20_000 });
    await teacher.page.getByTestId('heal').click();
    const all = ['adaBefore', 'benBefore', 'cyDuring', 'deeDuring'];
    for (const s of students) await expect.poll(() => missing(s.page, all), { timeout: 20_000 }).toEqual([]);
    const finalText = await text(ada.page);
    for (const token of all) expect(occurrences(finalText, token), token).toBe(1);
  } finally {
    await relay?.stop();
    relay = null;
  }
});
