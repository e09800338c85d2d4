/**
 * Bots (testing/bots.ts, `npm run bots`): stock y-websocket writers that a
 * tab shows in presence with their carets, whose text arrives, through
 * outages too, and that a classroom lists, partitions and heals like students.
 */
import { startBots, type Bot } from '../testing/bots';
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 150_000 }); // bots type in real time on a shared, loaded machine

let bots: Bot[] = [];
test.afterEach(() => {
  for (const bot of bots.splice(0)) bot.stop();
});

/** Each bot's paragraphs, as lines the tab must show. */
const linesOf = (list: Bot[]) => list.flatMap((bot) => bot.paragraphs).filter((line) => line.length > 0);

test('BOT1: three bots show in a tab\'s presence with their carets; all their text arrives; they leave presence when stopped', async ({ alice, room, baseURL }) => {
  await alice.open(room);
  bots = await startBots(3, { url: baseURL!, room, wpm: 300, offlineChance: 0, pauseMs: [50, 200] });
  const peers = alice.page.getByTestId('presence').getByTestId('peer');
  await expect(peers).toHaveCount(3);
  for (const bot of bots) await expect(peers.filter({ hasText: bot.name })).toHaveCount(1);
  await expect(alice.page.getByTestId('remote-caret')).toHaveCount(3);

  await expect.poll(() => Math.min(...bots.map((bot) => bot.stats.characters)), { timeout: 60_000 }).toBeGreaterThanOrEqual(40);
  await Promise.all(bots.map((bot) => bot.halt()));
  const lines = linesOf(bots);
  await expect.poll(async () => { const shown = (await alice.text()).split('\n'); return lines.filter((line) => !shown.includes(line)); }).toEqual([]);

  for (const bot of bots.splice(0)) bot.stop();
  await expect(peers).toHaveCount(0);
});

test('BOT2: bots that keep going offline mid-sentence lose nothing: everything they typed reaches the tab', async ({ alice, room, baseURL }) => {
  await alice.open(room);
  bots = await startBots(2, { url: baseURL!, room, wpm: 400, offlineChance: 1, offlineMs: [200, 600], pauseMs: [50, 150] });
  await expect.poll(() => Math.min(...bots.map((bot) => bot.stats.offlineSpells)), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await Promise.all(bots.map((bot) => bot.halt()));
  const lines = linesOf(bots);
  await expect.poll(async () => { const shown = (await alice.text()).split('\n'); return lines.filter((line) => !shown.includes(line)); }).toEqual([]);
});

test('BOT3: bots join a classroom like students: the teacher console lists them, partition puts them in A and B, heal merges', async ({ alice, baseURL, request }) => {
  const created = (await (await request.post('/api/classrooms')).json()) as { room: string; teacherUrl: string };
  bots = await startBots(4, { url: baseURL!, room: created.room, wpm: 200, offlineChance: 0, pauseMs: [100, 300] });
  await alice.page.goto(created.teacherUrl);
  const students = alice.page.getByTestId('student');
  await expect(students).toHaveCount(4);
  for (const bot of bots) await expect(students.filter({ hasText: bot.name })).toHaveCount(1);

  await alice.page.getByTestId('partition').click();
  await expect.poll(() => bots.map((bot) => bot.classroom?.group ?? '-').sort().join('')).toBe('AABB');
  await expect.poll(() => bots.filter((bot) => bot.connected).length).toBe(4);
  await alice.page.getByTestId('heal').click();
  await expect.poll(() => bots.every((bot) => bot.classroom !== null && !bot.classroom.partitioned)).toBe(true);
  await Promise.all(bots.map((bot) => bot.halt()));
  const lines = linesOf(bots);
  await alice.page.goto(`/d/${created.room}`);
  await expect.poll(async () => { const shown = (await alice.text()).split('\n'); return lines.filter((line) => !shown.includes(line)); }).toEqual([]);
});
