/**
 * Every relay keeps every document, and `saved` can wait for a second relay
 * (issue 17), with a real Redis and relay processes. Rules E1–E5 of
 * docs/PROTOCOL.md ("Between relays"):
 *
 * E1 A document written only through relay A is on relay B's disk within seconds, nobody opening it on B.
 * E2 With REPLICATION_ACKS=2, the other relay cut off from Redis mid-stream, then relay A SIGKILLed and its
 *    data directory deleted: the other relay serves every acknowledged edit; A restarted empty gets them back.
 * E3 With REPLICATION_ACKS=2 and B stopped, A's tab never shows "saved" for edits only A holds (it shows
 *    "Saved on A only"), and shows "saved" once B is back.
 * E4 A relay down for a while (CLUSTER_DOWN_MS, 5 s here: the mechanism is the same for a minute or a day)
 *    catches up on every document edited meanwhile, without anyone opening them.
 * E5 Redis restarted mid-stream: nothing is lost on either relay's disk.
 *
 * Writers here are raw protocol clients (server/relay/testing.ts: they see every `saved`), except E3,
 * which is about what a tab shows.
 */
import { rmSync } from 'node:fs';
import { isUpdateFrame } from '../src/protocol/codec';
import { RawClient } from '../server/relay/testing';
import type { RelayProcess } from './cluster';
import { storedBody, storedTitle } from './disk';
import { startNetProxy } from './netProxy';
import { expect, test } from './fixtures';

/** A raw client on a relay that counts its update frames and knows which of its edits are acked. */
class Writer {
  readonly client: RawClient;
  private frames = 0;
  /** Per edit: the text and the update frame that carried it. */
  readonly edits: Array<{ text: string; frame: number }> = [];

  constructor(relay: RelayProcess, room: string) {
    this.client = new RawClient(`${relay.wsUrl}/${room}?acks=1`);
    const send = this.client.send.bind(this.client);
    this.client.send = (frame) => {
      if (typeof frame !== 'string' && isUpdateFrame(frame)) this.frames++;
      send(frame);
    };
  }

  async ready(): Promise<this> {
    await this.client.opened;
    await this.client.until(() => this.client.doc.store.clients.size > 0, 'first sync', 15_000);
    return this;
  }

  /** Appends `text` to the title (one update frame). */
  write(text: string): void {
    const title = this.client.doc.getText('title');
    title.insert(title.length, text);
    this.edits.push({ text, frame: this.frames });
  }

  get acked(): number {
    return this.client.acks.at(-1)?.committedUpdateFrames ?? 0;
  }

  ackedEdits(): string[] {
    const acked = this.acked;
    return this.edits.filter((edit) => edit.frame <= acked).map((edit) => edit.text);
  }

  async allSaved(timeoutMs = 15_000): Promise<void> {
    await this.client.until(() => this.acked >= this.frames, 'every edit saved', timeoutMs);
  }

  close(): void {
    this.client.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const token = (prefix: string, i: number) => `${prefix}${String(i).padStart(3, '0')} `;

test('E1: a document written only through A is on B’s disk within seconds, without anyone opening it on B', async ({ cluster, room }) => {
  // B is subscribed once A hears it (the live path is what this test is about, not the catch-up).
  await expect.poll(() => cluster.a.metric('concord_cluster_peers'), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => cluster.b.metric('concord_cluster_peers'), { timeout: 10_000 }).toBe(1);
  const writer = await new Writer(cluster.a, room).ready();
  const started = Date.now();
  for (let i = 0; i < 20; i++) writer.write(token('e1-', i));
  await writer.allSaved();
  const expected = writer.edits.map((edit) => edit.text).join('');
  await expect.poll(() => storedTitle(cluster.b.dataDir, room), { timeout: 5_000, intervals: [50] }).toBe(expected);
  console.log(`E1 20 edits on B's disk ${Date.now() - started} ms after the first was written on A`);
  expect(await cluster.b.metric('concord_rooms_loaded')).toBe(0); // never loaded on B
  expect(await cluster.b.metric('concord_replication_unloaded_updates_total', 'result="stored"')).toBeGreaterThanOrEqual(20);
  writer.close();
});

test.describe('with REPLICATION_ACKS=2', () => {
  test.use({ relayEnv: { REPLICATION_ACKS: '2', REPLICATION_ACK_TIMEOUT_MS: '1500' } });

  test('E2: the other relay is cut off mid-stream, then A is SIGKILLed and its data directory deleted; every acknowledged edit is on the other relay, and A restarted empty gets them back', async ({ cluster, room }) => {
    // C reaches Redis through a proxy the test can cut (a partition between datacenters).
    await cluster.b.stop();
    const proxy = await startNetProxy(cluster.redis.port);
    try {
      const c = await cluster.addRelay({ relayId: 'C', redisUrl: proxy.url });
      await sleep(1_500); // heartbeats: each relay knows the other
      const rooms = [`${room}-1`, `${room}-2`, `${room}-3`];
      const writers = await Promise.all(rooms.map((name) => new Writer(cluster.a, name).ready()));
      const write = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          for (const [w, writer] of writers.entries()) writer.write(token(`w${w}-`, i));
          await sleep(15);
        }
      };
      await write(0, 10);
      await Promise.all(writers.map((writer) => writer.allSaved()));
      proxy.cut(); // C hears nothing more…
      await write(10, 30); // …while A accepts (and commits) more edits
      await sleep(2_000);
      await cluster.a.kill();
      const acked = writers.map((writer) => writer.ackedEdits());
      rmSync(cluster.a.dataDir, { recursive: true, force: true });
      for (const writer of writers) writer.close();
      proxy.restore();
      console.log(`E2 acked before A was killed: ${acked.map((a) => a.length).join(' / ')} of ${writers[0].edits.length} edits per document`);
      expect(acked.flat().length).toBeGreaterThanOrEqual(30); // the first 10 per document were acked with C's copy
      await sleep(1_500); // C is back on Redis: nothing more can come (A is gone)
      for (const [i, name] of rooms.entries()) {
        const onC = storedTitle(c.dataDir, name);
        for (const text of acked[i]) expect(onC, `acked edit ${text.trim()} of ${name} on C`).toContain(text);
      }
      // C serves them to a fresh client.
      for (const [i, name] of rooms.entries()) {
        const reader = await new Writer(c, name).ready();
        const text = reader.client.doc.getText('title').toString();
        for (const edit of acked[i]) expect(text).toContain(edit);
        reader.close();
      }
      // A comes back with an empty store (a new store id): its catch-up brings every document from C.
      await cluster.a.restart();
      for (const [i, name] of rooms.entries()) {
        await expect.poll(() => acked[i].every((text) => storedTitle(cluster.a.dataDir, name).includes(text)), { timeout: 15_000 }).toBe(true);
      }
    } finally {
      await proxy.close();
    }
  });

  test('E3: with B stopped, A’s tab never shows "saved" for edits only A holds; it shows "Saved on A only", and "saved" once B is back', async ({ alice, cluster, room }) => {
    await sleep(1_500);
    await alice.open(room, cluster.a.url);
    await alice.caretToEnd();
    await alice.page.keyboard.type('with both relays ');
    await alice.waitSaved();
    const badge = alice.page.getByTestId('save-status');
    await expect(badge).toHaveAttribute('data-relays', 'A,B');
    await cluster.b.stop();
    // Record every state the badge takes from now on.
    await alice.page.evaluate(() => {
      const el = document.querySelector('[data-testid=save-status]')!;
      const seen: string[] = [el.getAttribute('data-state')!];
      (window as unknown as { __states: string[] }).__states = seen;
      new MutationObserver(() => seen.push(el.getAttribute('data-state')!)).observe(el, { attributes: true, attributeFilter: ['data-state'] });
    });
    await alice.page.keyboard.type('only on A ');
    await expect(badge).toHaveAttribute('data-state', 'fewer-copies', { timeout: 10_000 });
    await expect(badge).toHaveText('Saved on A only');
    await alice.page.getByTestId('inspector-toggle').click();
    await expect(alice.page.getByTestId('stored-on')).toHaveAttribute('data-relays', 'A');
    await sleep(2_000); // and it stays so
    const whileAway = await alice.page.evaluate(() => (window as unknown as { __states: string[] }).__states.slice(1));
    expect(whileAway).not.toContain('saved');
    expect(whileAway).toContain('fewer-copies');
    await cluster.b.restart();
    await expect(badge).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
    await expect(alice.page.getByTestId('stored-on')).toHaveAttribute('data-relays', 'A,B');
    expect(storedBody(cluster.b.dataDir, room)).toContain('only on A'); // B had it on disk before A said saved
    console.log('E3 badge states while B was stopped:', JSON.stringify(whileAway));
  });
});

test('E4: a relay down for a while catches up on every document edited meanwhile, without anyone opening them', async ({ cluster, room }) => {
  const downMs = Number(process.env.CLUSTER_DOWN_MS ?? 5_000);
  test.setTimeout(80_000 + downMs);
  await sleep(1_200);
  await cluster.b.kill();
  const downAt = Date.now();
  const rooms = Array.from({ length: 15 }, (_, i) => `${room}-${i}`);
  const texts = new Map<string, string>();
  for (const [i, name] of rooms.entries()) {
    const writer = await new Writer(cluster.a, name).ready();
    writer.write(token(`doc${i}-`, i));
    await writer.allSaved();
    texts.set(name, writer.edits.map((edit) => edit.text).join(''));
    writer.close();
  }
  await sleep(Math.max(0, downMs - (Date.now() - downAt)));
  const before = rooms.filter((name) => storedTitle(cluster.b.dataDir, name) !== '').length;
  expect(before).toBe(0);
  const backAt = Date.now();
  await cluster.b.restart();
  await expect
    .poll(() => rooms.filter((name) => storedTitle(cluster.b.dataDir, name) === texts.get(name)).length, { timeout: 20_000, intervals: [100] })
    .toBe(rooms.length);
  console.log(`E4 B was down ${backAt - downAt} ms; ${rooms.length} documents on its disk ${Date.now() - backAt} ms after it restarted`);
  expect(await cluster.b.metric('concord_rooms_loaded')).toBe(0);
  expect(await cluster.b.metric('concord_replication_catchup_documents_total')).toBeGreaterThanOrEqual(rooms.length);
});

test('E5: Redis is restarted mid-stream; both relays’ disks end with every edit', async ({ cluster, room }) => {
  await sleep(1_200);
  const writer = await new Writer(cluster.a, room).ready();
  const onB = await new Writer(cluster.b, `${room}-b`).ready(); // B's own writer, in another document
  let outage: Promise<void> = Promise.resolve();
  for (let i = 0; i < 150; i++) {
    writer.write(token('a', i));
    onB.write(token('b', i));
    if (i === 40) {
      outage = (async () => {
        await cluster.redis.kill();
        await sleep(1_500);
        await cluster.redis.restart();
      })();
    }
    await sleep(20);
  }
  await outage;
  await Promise.all([writer.allSaved(20_000), onB.allSaved(20_000)]);
  const expectedA = writer.edits.map((edit) => edit.text).join('');
  const expectedB = onB.edits.map((edit) => edit.text).join('');
  await expect.poll(() => storedTitle(cluster.b.dataDir, room), { timeout: 20_000 }).toBe(expectedA);
  await expect.poll(() => storedTitle(cluster.a.dataDir, `${room}-b`), { timeout: 20_000 }).toBe(expectedB);
  const dropped = (await cluster.a.metric('concord_redis_publish_dropped_total')) + (await cluster.b.metric('concord_redis_publish_dropped_total'));
  console.log(`E5 messages dropped while Redis was down: ${dropped}; nothing lost`);
  expect(dropped).toBeGreaterThan(0); // the outage really lost messages
  writer.close();
  onB.close();
});
