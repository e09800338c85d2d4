/**
 * `npm run bots -- --url http://127.0.0.1:1234/d/<room> --count 30 --wpm 40`:
 * fills a document (or a classroom) with headless writers that show in
 * presence like students, type plausible sentences with pauses and new
 * paragraphs, and now and then go offline and come back (testing/bots.ts).
 * Ctrl+C stops them cleanly: presence cleared, sockets closed.
 *
 * Options: --count N (default 10), --wpm W (default 40), --seed S (replays
 * the bots' choices), --offline P (chance per sentence of an outage, default
 * 0.05), --seconds T (stop by themselves after T seconds; default: until Ctrl+C).
 */
import { parseArgs } from 'node:util';
import { startBots, type Bot } from '../testing/bots';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    count: { type: 'string', default: '10' },
    wpm: { type: 'string', default: '40' },
    seed: { type: 'string' },
    offline: { type: 'string', default: '0.05' },
    seconds: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`bots: ${message}\nusage: npm run bots -- --url http://host:port/d/<room> [--count 30] [--wpm 40] [--seed 1] [--offline 0.05] [--seconds 60]`);
  process.exit(2);
}

const match = values.url ? /^(https?:\/\/[^/]+)\/(?:d|teach)\/([A-Za-z0-9_-]{1,64})/.exec(values.url) : null;
if (!match) fail('--url must be a document or classroom address, http://host:port/d/<room>');
const [, base, room] = match;
const count = Number(values.count);
const wpm = Number(values.wpm);
const offlineChance = Number(values.offline);
if (!Number.isInteger(count) || count < 1 || count > 1000) fail('--count must be a whole number from 1 to 1000');
if (!(wpm > 0 && wpm <= 1000)) fail('--wpm must be above 0');
if (!(offlineChance >= 0 && offlineChance <= 1)) fail('--offline must be between 0 and 1');
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);

process.setMaxListeners(count * 2 + 10); // each y-websocket provider adds a process 'exit' listener
console.log(`bots: ${count} writers at ${wpm} wpm on ${base}/d/${room} (seed ${seed}); Ctrl+C stops them`);
let bots: Bot[] = [];
let stopping = false;

function stop(reason: string): void {
  if (stopping) return;
  stopping = true;
  const totals = bots.reduce(
    (sum, bot) => ({ characters: sum.characters + bot.stats.characters, sentences: sum.sentences + bot.stats.sentences, offline: sum.offline + bot.stats.offlineSpells }),
    { characters: 0, sentences: 0, offline: 0 },
  );
  for (const bot of bots) bot.stop();
  console.log(`bots: stopped (${reason}): ${totals.characters} characters, ${totals.sentences} sentences, ${totals.offline} offline spells`);
  // Let the goodbyes (presence cleared, close frames) leave before exiting.
  setTimeout(() => process.exit(0), 300);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

bots = await startBots(count, { url: base, room, wpm, seed, offlineChance });
console.log(`bots: all ${count} connected and typing: ${bots.map((bot) => bot.name).join(', ')}`);
const status = setInterval(() => {
  const online = bots.filter((bot) => bot.connected).length;
  const characters = bots.reduce((sum, bot) => sum + bot.stats.characters, 0);
  console.log(`bots: ${online}/${count} online, ${characters} characters typed`);
}, 10_000);
status.unref();
if (values.seconds) setTimeout(() => stop(`${values.seconds} s`), Number(values.seconds) * 1000);
