/**
 * P1, property-style, on the concurrency kit: a random schedule over three
 * actors — typing at the start, the end or the end of some block, Enter,
 * bold, undo, cuts and heals, relay kill -9 and restart — and then every
 * replica shows the same document, every token typed is there exactly once,
 * and every token undone is gone.
 *
 * The schedule comes from a seed, printed with any failure:
 *   PROPERTY_SEED=<seed> npx playwright test e2e/property.spec.ts        replays it
 *   PROPERTY_SEED=random …                                                draws a new schedule
 *   PROPERTY_STEPS=200 …                                                  runs longer (CI: 16)
 * Steps run one after another, but none waits for the others to see it:
 * peers act on replicas that are behind, and cut actors on stale ones.
 */
import { cut, expectConverged, heal, renderDocument, seededRandom, test, type, type Actor, type CaretTarget } from '../testing';

/**
 * `npm test` runs a pinned seed, so CI is not a lottery: its first 16 steps type, press Enter, bold,
 * undo, cut, heal and restart the relay. PROPERTY_SEED=random draws a fresh one (printed on failure).
 * Seeds that found a bug are kept in docs/TESTING.md until it is fixed.
 */
const PINNED_SEED = 328458527;
// Drawn once in the runner; its workers inherit the environment, so they replay the same seed.
if (process.env.PROPERTY_SEED === 'random') process.env.PROPERTY_SEED = String(Math.floor(Math.random() * 2 ** 31));
const SEED = Number(process.env.PROPERTY_SEED ?? PINNED_SEED);
const STEPS = Number(process.env.PROPERTY_STEPS ?? 16);

test.describe.configure({ timeout: 60_000 + STEPS * 6_000 });

type Kind = 'type' | 'enter' | 'bold' | 'undo' | 'cut' | 'heal' | 'restart';
const WEIGHTS: Array<[Kind, number]> = [
  ['type', 6],
  ['enter', 2],
  ['bold', 2],
  ['undo', 2],
  ['cut', 2],
  ['heal', 2],
  ['restart', 1],
];

test('P1: a random schedule of typing, Enter, bold, undo, cuts and relay restarts over three actors converges', async ({ actors, relay }, testInfo) => {
  testInfo.annotations.push({ type: 'seed', description: `PROPERTY_SEED=${SEED} PROPERTY_STEPS=${STEPS}` });
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const chooseKind = (): Kind => {
    let roll = random() * WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    for (const [kind, weight] of WEIGHTS) if ((roll -= weight) < 0) return kind;
    return 'type';
  };
  const people = await actors(3);
  const present: string[] = [];
  const undone: string[] = [];
  const cutOff = new Set<Actor>();
  const done: Record<Kind, number> = { type: 0, enter: 0, bold: 0, undo: 0, cut: 0, heal: 0, restart: 0 };

  const blocksOf = (actor: Actor) => actor.page.locator('[data-slate-editor] [data-block-type]').count();
  const target = async (actor: Actor): Promise<CaretTarget> => {
    const roll = random();
    if (roll < 0.4) return 'end';
    if (roll < 0.6) return 'start';
    return { block: Math.floor(random() * Math.max(1, await blocksOf(actor))) };
  };
  const describe = (at: CaretTarget) => (typeof at === 'string' ? `at the ${at}` : 'block' in at ? `at the end of block ${at.block}` : `after ${at.after}`);

  try {
    for (let step = 0; step < STEPS; step++) {
      const actor = pick(people);
      const kind = chooseKind();
      const token = `t${step}${actor.name[0].toLowerCase()}`;
      if (kind === 'type') {
        const at = await target(actor);
        // A space before it too: typed at the end of a word a peer is still typing (its space not
        // there yet), the token would otherwise run into that word, and both look lost when counted.
        await test.step(`${step}: ${actor.name} types ${token} ${describe(at)}`, () => type(actor, ` ${token} `, { at }));
        present.push(token);
      } else if (kind === 'enter') {
        const at = await target(actor);
        if (at === 'start') continue; // Enter at the very start would only push a token down: done by 'end' too
        await test.step(`${step}: ${actor.name} presses Enter ${describe(at)} and types ${token}`, () => type(actor, `\n${token} `, { at }));
        present.push(token);
      } else if (kind === 'bold') {
        const visible = present.filter((t) => t !== token);
        const word = visible.length ? pick(visible) : null;
        if (!word) continue;
        const shown = await test.step(`${step}: ${actor.name} makes ${word} bold (if shown)`, async () => {
          if (!(await actor.text()).split(/\s+/).includes(word)) return false;
          try {
            await actor.placeCaret({ after: word });
          } catch {
            return false; // split across runs by earlier formatting: not one run to select
          }
          await actor.page.keyboard.press('Control+Shift+ArrowLeft');
          await actor.page.keyboard.press('Control+b');
          return true;
        });
        if (!shown) continue;
      } else if (kind === 'undo') {
        // One insert is one undo step, whatever the timing and whatever peers do meanwhile (undoSteps.ts).
        await test.step(`${step}: ${actor.name} inserts ${token} at the end and undoes it`, async () => {
          await actor.placeCaret('end');
          await actor.page.keyboard.insertText(`${token} `);
          await actor.page.keyboard.press('Control+z');
        });
        undone.push(token);
      } else if (kind === 'cut') {
        if (cutOff.has(actor)) continue;
        await test.step(`${step}: ${actor.name} is cut off`, () => cut(actor));
        cutOff.add(actor);
      } else if (kind === 'heal') {
        const healed = cutOff.size ? pick([...cutOff]) : null;
        if (!healed) continue;
        await test.step(`${step}: ${healed.name} is healed`, () => heal(healed));
        cutOff.delete(healed);
      } else {
        await test.step(`${step}: the relay is killed (SIGKILL) and restarted`, async () => {
          await relay.kill();
          await relay.restart();
        });
      }
      done[kind]++;
    }
    await test.step(`heal everyone (${[...cutOff].map((a) => a.name).join(', ') || 'nobody cut'})`, () => heal(...people));
    console.log(`P1 seed ${SEED}: ${STEPS} steps, ${JSON.stringify(done)}; ${present.length} tokens typed, ${undone.length} undone`);
    await expectConverged(people, { tokens: present, absent: undone, timeout: 45_000 });
    // The run did real work: something was typed, so the check above had tokens to count.
    if (present.length === 0) throw new Error('the schedule typed nothing');
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    let fresh = '';
    if (error.message.includes('replicas still differ')) {
      // What the relay holds, as a tab opened now renders it: tells a replica that went wrong from one left behind.
      const [newcomer] = await actors(1, { names: ['Newcomer'] }).catch(() => [null]);
      if (newcomer) fresh = `\n\nA tab opened now (from the relay) shows:\n${renderDocument(await newcomer.document()).join('\n')}`;
    }
    error.message = `PROPERTY_SEED=${SEED} PROPERTY_STEPS=${STEPS} replays this schedule.\n${error.message}${fresh}`;
    throw error;
  }
});
