/**
 * History through a real relay: authors come from presence and survive a
 * restart and compaction; stored carets are not versions; the endpoints check
 * the document's key and answer bad requests with clear errors.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwareness } from '../../src/protocol/codec';
import { CONTENT_ROOT, STORED_POSITION_PREFIX, type BlockType } from '../../src/protocol/document';
import type { CreatedDocument } from '../../src/protocol/constants';
import type { HistoryPayload, VersionPayload } from '../../src/common/history/wire';
import { DATABASE_FILE } from '../app';
import { RawClient, startTestRelay, type TestRelay } from '../relay/testing';

let relay: TestRelay | null = null;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay?.stop();
  relay = null;
});

const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${relay!.concord.port}${path}`, init);

/** A raw client that shows `user` in presence (or no presence with null). */
async function writer(room: string, user: { name: string; color: string; role?: string } | null, query = 'acks=1'): Promise<RawClient> {
  const client = new RawClient(relay!.wsUrl(room, query));
  clients.push(client);
  await client.opened;
  await client.until(() => client.doc.get(CONTENT_ROOT, Y.XmlText).length > 0, 'the seed');
  if (user) {
    const awareness = new awarenessProtocol.Awareness(client.doc);
    awareness.setLocalState({ user });
    client.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [client.doc.clientID])));
    awareness.destroy();
  }
  return client;
}

function block(client: RawClient): Y.XmlText {
  return (client.doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: Y.XmlText }>)[0].insert;
}

async function typeAndSave(client: RawClient, text: string): Promise<void> {
  const before = client.acks.at(-1)?.committedUpdateFrames ?? 0;
  block(client).insert(block(client).length, text);
  await client.until(() => (client.acks.at(-1)?.committedUpdateFrames ?? 0) > before, 'saved');
}

async function history(room: string, query = ''): Promise<HistoryPayload> {
  const response = await http(`/api/docs/${room}/history${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as HistoryPayload;
}

describe('history through the relay', () => {
  it('V3 V4: authors from presence survive a restart and compaction; a stored caret is no version', async () => {
    relay = await startTestRelay({ COMPACT_AFTER_UPDATES: '3' });
    const alice = await writer('turns', { name: 'Alice', color: '#D9480F' });
    for (const word of ['Alice ', 'writes ', 'first. ']) await typeAndSave(alice, word);
    const bob = await writer('turns', { name: 'Bob', color: '#1971c2' });
    await bob.until(() => block(bob).toString().includes('first.'), 'alice’s text');
    await typeAndSave(bob, 'Bob second.');
    // Bob's caret, stored the way the editor stores it: quiet.
    const before = bob.acks.at(-1)!.committedUpdateFrames;
    bob.doc.get(CONTENT_ROOT, Y.XmlText).setAttribute(`${STORED_POSITION_PREFIX}tab-anchor`, 'position');
    await bob.until(() => bob.acks.at(-1)!.committedUpdateFrames > before, 'saved');
    // A viewer-like presence without a proper colour is not recorded as an author.
    await writer('turns', { name: 'Mallory', color: 'red' });

    const expected = [
      { n: 1, authors: [alice.doc.clientID], edits: 3 },
      { n: 2, authors: [bob.doc.clientID], edits: 1 },
    ];
    const live = await history('turns');
    expect(live.versions.map(({ n, authors, edits }) => ({ n, authors, edits }))).toEqual(expected);
    for (const client of clients.splice(0)) client.close();
    await relay.restart();

    const stored = await history('turns');
    expect(stored.versions.map(({ n, authors, edits }) => ({ n, authors, edits }))).toEqual(expected);
    expect(stored.authors[alice.doc.clientID]).toEqual({ name: 'Alice', color: '#d9480f' });
    expect(stored.authors[bob.doc.clientID]).toEqual({ name: 'Bob', color: '#1971c2' });
    expect(Object.values(stored.authors).map((a) => a.name)).not.toContain('Mallory');
    expect([stored.oldestVersion, stored.latestVersion]).toEqual([0, 2]);

    const version = (await (await http('/api/docs/turns/history/1')).json()) as VersionPayload;
    expect(version.n).toBe(1);
    expect(version.blocks).toEqual([
      { type: 'paragraph' satisfies BlockType, children: [{ text: 'Alice writes first. ', historyAuthor: alice.doc.clientID }] },
    ]);
    expect(version.authorNames[alice.doc.clientID].name).toBe('Alice');
  });

  it('V10: edits of formatted text are stored and forwarded (Yjs follows them with a formatting-cleanup transaction), so history holds them all', async () => {
    relay = await startTestRelay();
    const alice = await writer('formatted', { name: 'Alice', color: '#d9480f' });
    const bob = await writer('formatted', { name: 'Bob', color: '#1971c2' });
    const before = alice.acks.at(-1)?.committedUpdateFrames ?? 0;
    block(alice).insert(0, 'bold', { bold: true });
    block(alice).insert(4, ' plain', { bold: null } as never);
    await alice.until(() => (alice.acks.at(-1)?.committedUpdateFrames ?? 0) >= before + 2, 'saved');
    await bob.until(() => block(bob).toString() === '<bold>bold</bold> plain', 'alice’s formatted text at bob');
    const version = (await (await http('/api/docs/formatted/history/1')).json()) as VersionPayload;
    expect(version.blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { text: 'bold', bold: true, historyAuthor: alice.doc.clientID },
          { text: ' plain', historyAuthor: alice.doc.clientID },
        ],
      },
    ]);
  });

  it('V6 V7: answers bad requests clearly: unknown document 404, bad room 400, not a number 400, past the latest 404, removed by retention 410, unknown format 400, POST 405', async () => {
    relay = await startTestRelay({ HISTORY_RETENTION_DAYS: '7' });
    const alice = await writer('errors', { name: 'Alice', color: '#d9480f' });
    await typeAndSave(alice, 'hello');
    const error = async (path: string, status: number, init?: RequestInit) => {
      const response = await http(path, init);
      expect(response.status, path).toBe(status);
      return ((await response.json()) as { error: string }).error;
    };
    expect(await error('/api/docs/never-written/history', 404)).toBe('no document "never-written" on this relay');
    expect(await error('/api/docs/bad%20room/history', 400)).toMatch(/invalid room id/);
    expect(await error('/api/docs/errors/history/one', 400)).toBe('a version is a whole number from 0 to 1; got "one"');
    expect(await error('/api/docs/errors/history/-1', 400)).toMatch(/whole number/);
    expect(await error('/api/docs/errors/history/2', 404)).toBe("no version 2: this document's versions are 0–1");
    expect(await error('/api/docs/errors/history/1?format=docx', 400)).toBe('unknown format "docx": use json, markdown, html, text');
    expect(await error('/api/docs/errors/history', 405, { method: 'POST' })).toMatch(/GET/);

    // Age the version past HISTORY_RETENTION_DAYS=7, as a week without edits would.
    const db = new Database(join(relay.dataDir, DATABASE_FILE));
    db.prepare('UPDATE updates SET at = 1000 WHERE room = ?').run('errors');
    db.close();
    const payload = await history('errors');
    expect(payload.retentionDays).toBe(7);
    expect(await error('/api/docs/errors/history/0', 410)).toBe(
      'version 0 is no longer kept: HISTORY_RETENTION_DAYS=7 merged it into the oldest kept state, version 1',
    );
  });

  it('V9: exports a version as Markdown, HTML or text, as a download named after the title', async () => {
    relay = await startTestRelay();
    const alice = await writer('export', { name: 'Alice', color: '#d9480f' });
    alice.doc.getText('title').insert(0, 'Trip Plan');
    block(alice).setAttribute('type', 'heading-one');
    await typeAndSave(alice, 'Day one');
    const download = async (format: string) => {
      const response = await http(`/api/docs/export/history/1?format=${format}`);
      expect(response.status).toBe(200);
      return { type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), body: await response.text() };
    };
    expect(await download('markdown')).toEqual({
      type: 'text/markdown; charset=utf-8',
      disposition: 'attachment; filename="trip-plan-version-1.md"',
      body: '# Day one\n',
    });
    const html = await download('html');
    expect(html.disposition).toBe('attachment; filename="trip-plan-version-1.html"');
    expect(html.body).toContain('<title>Trip Plan</title>');
    expect(html.body).toContain('<h1>Day one</h1>');
    expect((await download('txt')).body).toBe('Day one\n');
  });

  it('V5: a protected document’s history needs its key: none 401, wrong 403, view or edit key 200', async () => {
    relay = await startTestRelay();
    const created = (await (await http('/api/docs', { method: 'POST', body: '{"protected": true}' })).json()) as CreatedDocument;
    const keyOf = (url: string) => new URL(url, 'http://x').searchParams.get('key')!;
    const alice = await writer(created.room, { name: 'Alice', color: '#d9480f' }, `acks=1&key=${keyOf(created.editUrl)}`);
    await typeAndSave(alice, 'secret plans');
    expect((await http(`/api/docs/${created.room}/history`)).status).toBe(401);
    expect((await http(`/api/docs/${created.room}/history/1`)).status).toBe(401);
    expect((await http(`/api/docs/${created.room}/history?key=nope`)).status).toBe(403);
    const viewed = await history(created.room, `?key=${keyOf(created.viewUrl!)}`);
    expect(viewed.latestVersion).toBe(1);
    expect((await http(`/api/docs/${created.room}/history/1?format=text&key=${keyOf(created.viewUrl!)}`)).status).toBe(200);
    expect((await history(created.room, `?key=${keyOf(created.editUrl)}`)).latestVersion).toBe(1);
  });
});
