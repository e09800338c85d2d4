/**
 * The relay under hostile input and intruders (issue 5): rules H1–H7 of
 * docs/PROTOCOL.md; each test names its rule. Real sockets, real SQLite.
 */
import { connect as tcpConnect } from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAwareness as awarenessFrame, encodeQueryAwareness, encodeSyncStep2, encodeUpdate } from '../../src/protocol/codec';
import { CloseCode, MessageType, Role, type AccessAnswer, type CreatedDocument } from '../../src/protocol/constants';
import { DATABASE_FILE } from '../app';
import { SECRET_FILE } from '../access/secret';
import { openSqliteStorage } from '../storage/sqlite';
import { docFromStored } from '../storage/storage.contract';
import { RawClient, eventually, readMetric, startTestRelay, title, upgradeStatus, type TestRelay } from './testing';

let relay: TestRelay | null = null;
const clients: RawClient[] = [];

async function start(env: Record<string, string> = {}, log?: Parameters<typeof startTestRelay>[2]): Promise<TestRelay> {
  relay = await startTestRelay(env, undefined, log);
  return relay;
}

function connect(room: string, query = 'acks=1', options?: ConstructorParameters<typeof RawClient>[1]): RawClient {
  const client = new RawClient(relay!.wsUrl(room, query), options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay?.stop();
  relay = null;
});

function stored(room: string): Y.Doc {
  const storage = openSqliteStorage(join(relay!.dataDir, DATABASE_FILE));
  try {
    return docFromStored(storage.load(room));
  } finally {
    storage.close();
  }
}

const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${relay!.concord.port}${path}`, init);

const metric = (name: string, labels = '') => readMetric(relay!.concord.url, name, labels);

function updateFrame(update: Uint8Array, step: 'update' | 'step2' = 'update'): Uint8Array {
  return step === 'update' ? encodeUpdate(update) : encodeSyncStep2(update);
}

/** Saves `text` into the title through `client` and waits for the ack. */
async function typeAndSave(client: RawClient, text: string): Promise<void> {
  const acked = client.acks.at(-1)?.committedUpdateFrames ?? 0;
  client.doc.getText('title').insert(title(client).length, text);
  await client.until(() => (client.acks.at(-1)?.committedUpdateFrames ?? 0) > acked, `${text} saved`);
}

/** An update of `clients` one-character items, each built on an item (7, 99) nobody has: yjs piles these up as pending. */
function pendingBomb(clients: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, clients);
  for (let i = 0; i < clients; i++) {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1_000 + i);
    encoding.writeVarUint(e, 5);
    encoding.writeUint8(e, 0x80 | 4);
    encoding.writeVarUint(e, 7);
    encoding.writeVarUint(e, 99);
    encoding.writeVarString(e, 'x');
  }
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

describe('limits (H1)', () => {
  it('H1: a frame over max frame bytes closes with 1009; 100 attempts leave RSS bounded; the room carries on', async () => {
    await start({ MAX_FRAME_BYTES: String(1_048_576) }); // 1 MiB, whatever the default: 100 MiB are sent
    const alice = connect('big');
    await typeAndSave(alice, 'kept');
    const oversize = new Uint8Array(relay!.config.limits.maxFrameBytes + 1);
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 100; i++) {
      const mallory = connect('big', '', { sync: false });
      await mallory.opened;
      mallory.send(oversize);
      expect(await mallory.closed).toBe(CloseCode.tooBig);
    }
    const grown = process.memoryUsage().rss - rssBefore;
    expect(grown).toBeLessThan(64 * 1_048_576); // 100 MiB were sent; the relay buffered none of it
    expect(await metric('concord_limits_hit_total', 'limit="frame_bytes"')).toBe(100);
    expect(alice.closeCode).toBeNull();
    await typeAndSave(alice, '!');
    expect(stored('big').getText('title').toString()).toBe('kept!');
  });

  it('H1: a frame header announcing 512 MiB is refused with 1009 before any payload is sent', async () => {
    await start();
    const code = await new Promise<number>((resolve, reject) => {
      const socket = tcpConnect(relay!.concord.port, '127.0.0.1', () => {
        socket.write(
          'GET /ws/header HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      let buffer = Buffer.alloc(0);
      let upgraded = false;
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (!upgraded) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          upgraded = true;
          buffer = buffer.subarray(end + 4);
          // A masked binary frame whose 64-bit length says 512 MiB; then nothing.
          const header = Buffer.alloc(14);
          header[0] = 0x82;
          header[1] = 0x80 | 127;
          header.writeBigUInt64BE(512n * 1_048_576n, 2);
          socket.write(header);
        }
        // Server frames: find the close frame (opcode 8) and read its code.
        for (let at = 0; at + 2 <= buffer.length; ) {
          const opcode = buffer[at] & 0x0f;
          const length = buffer[at + 1] & 0x7f;
          if (opcode === 8 && length >= 2 && at + 4 <= buffer.length) return resolve(buffer.readUInt16BE(at + 2));
          at += 2 + length;
        }
      });
      socket.on('error', reject);
      socket.setTimeout(5_000, () => reject(new Error('no close frame')));
    });
    expect(code).toBe(CloseCode.tooBig);
  });

  it('H1: an awareness state over max awareness bytes closes with 1009, others carry on', async () => {
    await start({ MAX_AWARENESS_BYTES: '1024' });
    const alice = connect('aw');
    await typeAndSave(alice, 'a');
    const mallory = connect('aw', '', { sync: false });
    await mallory.opened;
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState({ user: { name: 'M'.repeat(2_000), color: '#000000' } });
    mallory.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
    expect(await mallory.closed).toBe(CloseCode.tooBig);
    expect(await metric('concord_limits_hit_total', 'limit="awareness_bytes"')).toBe(1);
    await typeAndSave(alice, 'b');
    expect(alice.closeCode).toBeNull();
  });

  it('H1: past the token bucket the relay stops reading the socket for a while: every frame is handled, nothing is closed, others carry on', async () => {
    await start({ RATE_LIMIT_BURST: '20', RATE_LIMIT_PER_S: '20' });
    const alice = connect('rate');
    await typeAndSave(alice, 'a');
    const burst = connect('rate', 'acks=1', { sync: false });
    await burst.opened;
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 60; i++) writer.getText('title').insert(0, 'x');
    const started = performance.now();
    // Sent over 300 ms, so most frames reach the relay after it stopped reading
    // (what is already read when it pauses is handled, and deepens the debt).
    for (const update of updates) {
      burst.send(updateFrame(update));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Others are not slowed: alice's edit is saved while the burst is being paced.
    await typeAndSave(alice, 'b');
    await burst.until(() => (burst.acks.at(-1)?.committedUpdateFrames ?? 0) === 60, 'all 60 saved', 10_000);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(1_500); // 40 frames past the burst at 20/s: paced, not refused
    expect(burst.closeCode).toBeNull();
    expect(alice.closeCode).toBeNull();
    expect(title(alice).replace(/[ab]/g, '')).toBe('x'.repeat(60));
    expect(title(alice)).toMatch(/a.*b/);
    expect(await metric('concord_limits_hit_total', 'limit="message_rate"')).toBeGreaterThanOrEqual(1);
    expect(await metric('concord_throttled_ms_total')).toBeGreaterThan(1_000);
  });

  it('H1: past max connections per IP the upgrade gets 429; a freed slot can be used again', async () => {
    await start({ MAX_CONNECTIONS_PER_IP: '3' });
    const [a, b, c] = [connect('ip'), connect('ip'), connect('ip')];
    await Promise.all([a.opened, b.opened, c.opened]);
    expect(await upgradeStatus(relay!.wsUrl('ip'))).toBe(429);
    expect(await upgradeStatus(relay!.wsUrl('other-room'))).toBe(429);
    await typeAndSave(a, 'still fine');
    c.close();
    await c.closed;
    const health = async () => ((await (await http('/healthz')).json()) as { connections: number }).connections;
    await eventually(async () => (await health()) === 2, 'the relay to count the freed slot');
    expect(await upgradeStatus(relay!.wsUrl('ip'))).toBe(101);
    expect(await metric('concord_limits_hit_total', 'limit="connections_per_ip"')).toBe(2);
  });

  it('H1: past max rooms loaded, the least recently used idle room is stored and unloaded; all busy → 503', async () => {
    await start({ MAX_ROOMS_LOADED: '2' });
    const alice = connect('lru-a');
    await typeAndSave(alice, 'A');
    alice.close();
    await alice.closed;
    const bob = connect('lru-b');
    await bob.opened;
    // The relay has seen alice leave: lru-a is idle (lru-b is busy).
    await eventually(() => (relay!.concord.rooms.peek('lru-a')?.connections.size ?? 0) === 0, 'lru-a to be idle');
    const carol = connect('lru-c');
    await carol.until(() => carol.acks.length > 0, 'carol joined');
    const rooms = relay!.concord.rooms;
    expect(rooms.peek('lru-a')).toBeUndefined();
    expect(rooms.size).toBe(2);
    expect(stored('lru-a').getText('title').toString()).toBe('A');
    expect(await upgradeStatus(relay!.wsUrl('lru-a'))).toBe(503);
    expect(await metric('concord_limits_hit_total', 'limit="rooms_loaded"')).toBe(1);
    bob.close();
    await bob.closed;
    const dave = connect('lru-a');
    await dave.until(() => title(dave) === 'A', 'dave to load lru-a again');
    expect(rooms.peek('lru-b')).toBeUndefined();
    expect(carol.closeCode).toBeNull();
  });
});

describe('crafted updates (H2, H3)', () => {
  it('H2: an update over the struct budget closes with 4400 before Yjs decodes it', async () => {
    await start({ MAX_UPDATE_STRUCTS: '1000' });
    const alice = connect('budget');
    await typeAndSave(alice, 'a');
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 5_000);
    encoding.writeVarUint(e, 42);
    encoding.writeVarUint(e, 0);
    for (let i = 0; i < 5_000; i++) {
      encoding.writeUint8(e, 0);
      encoding.writeVarUint(e, 1);
    }
    encoding.writeVarUint(e, 0);
    const mallory = connect('budget', '', { sync: false });
    await mallory.opened;
    mallory.send(updateFrame(encoding.toUint8Array(e)));
    expect(await mallory.closed).toBe(CloseCode.malformed);
    expect(await metric('concord_decode_errors_total', 'kind="update_budget"')).toBe(1);
    expect(await metric('concord_limits_hit_total', 'limit="update_structs"')).toBe(1);
    expect(relay!.concord.rooms.peek('budget')!.doc.store.clients.has(42)).toBe(false);
    await typeAndSave(alice, 'b');
  });

  it('H2: a pending-struct bomb (yjs stalls ~2 min on it) does not stall the relay: another edit is acked while it waits', async () => {
    await start({ PENDING_UPDATE_TIMEOUT_MS: '500' });
    const alice = connect('bomb');
    await typeAndSave(alice, 'a');
    const bomb = pendingBomb(70_000);
    expect(bomb.length).toBeLessThan(relay!.config.limits.maxFrameBytes);
    const mallory = connect('bomb', '', { sync: false });
    await mallory.opened;
    mallory.send(updateFrame(bomb));
    // Liveness and ordering: alice's next edit is saved while the bomb is still
    // held on mallory's socket (it is closed only at the 500 ms timeout).
    await typeAndSave(alice, 'b');
    expect(mallory.closeCode).toBeNull();
    expect(await mallory.closed).toBe(CloseCode.missingDependencies);
    const room = relay!.concord.rooms.peek('bomb')!;
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(room.doc.store.clients.size).toBeLessThan(10);
    expect(await metric('concord_decode_errors_total', 'kind="missing_deps"')).toBe(1);
    expect(stored('bomb').getText('title').toString()).toBe('ab');
  });

  it('H3: an edit sent before the step 2 it builds on waits, then both are applied, forwarded and acked together', async () => {
    await start();
    const observer = connect('race');
    await observer.opened;
    const offline = new Y.Doc();
    const updates: Uint8Array[] = [];
    offline.on('update', (u: Uint8Array) => updates.push(u));
    offline.getText('title').insert(0, 'offline');
    offline.getText('title').insert(7, ' edit');
    const tab = connect('race', 'acks=1', { sync: false });
    await tab.opened;
    tab.send(updateFrame(updates[1])); // the live edit, before…
    await eventually(async () => (await metric('concord_updates_held_total')) === 1, 'the relay to hold the edit');
    await tab.roundTrip(); // an ack or a forward for it would have arrived by now…
    await observer.roundTrip();
    expect(tab.acks.every((a) => a.committedUpdateFrames === 0)).toBe(true);
    expect(title(observer)).toBe('');
    tab.send(updateFrame(updates[0], 'step2')); // …the step 2 holding what it builds on
    await tab.until(() => tab.acks.some((a) => a.committedUpdateFrames === 2), 'both acked');
    expect(tab.acks.some((a) => a.committedUpdateFrames === 1)).toBe(false);
    await observer.until(() => title(observer) === 'offline edit', 'observer to get both');
    expect(stored('race').getText('title').toString()).toBe('offline edit');
    expect(await metric('concord_updates_held_total')).toBe(1);
  });

  it('H3: held updates whose dependencies never come close with 4503, transient (timeout, and count)', async () => {
    await start({ PENDING_UPDATE_TIMEOUT_MS: '100', MAX_PENDING_UPDATES: '2' });
    const alice = connect('never');
    await typeAndSave(alice, 'a');
    const offline = new Y.Doc();
    const updates: Uint8Array[] = [];
    offline.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 4; i++) offline.getText('title').insert(i, String(i));
    const slow = connect('never', 'acks=1', { sync: false });
    await slow.opened;
    slow.send(updateFrame(updates[1]));
    expect(await slow.closed).toBe(CloseCode.missingDependencies);
    const greedy = connect('never', 'acks=1', { sync: false });
    await greedy.opened;
    for (const update of updates.slice(1)) greedy.send(updateFrame(update));
    expect(await greedy.closed).toBe(CloseCode.missingDependencies);
    expect(await metric('concord_decode_errors_total', 'kind="missing_deps"')).toBe(2);
    await typeAndSave(alice, 'b');
    expect(stored('never').getText('title').toString()).toBe('ab');
  });
});

describe('fuzz (H4)', () => {
  it('H4: 10,000 seeded random frames over many sockets: relay up, honest client connected, stored state unchanged', async () => {
    await start();
    const room = 'fuzz';
    const alice = connect(room);
    await typeAndSave(alice, 'honest');
    const contentBefore = stored(room).get('content', Y.XmlText).toString();
    const seed = 20_240_605;
    let state = seed;
    const random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const bytes = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 256));
    const sample = new Y.Doc();
    sample.getText('title').insert(0, 'mallory was here');
    const validFrame = updateFrame(Y.encodeStateAsUpdate(sample));
    const frameOf = (): Uint8Array | string => {
      const kind = Math.floor(random() * 9);
      const n = Math.floor(random() * 40);
      switch (kind) {
        case 0: return Uint8Array.from(bytes(n));
        case 1: return Uint8Array.from([0, 2, n, ...bytes(n)]); // sync update, random body
        case 2: return Uint8Array.from([0, 1, n, ...bytes(n)]); // sync step 2, random body
        case 3: return Uint8Array.from([0, 0, n, ...bytes(n)]); // sync step 1, random state vector
        case 4: return Uint8Array.from([1, n, ...bytes(n)]); // awareness, random
        case 5: return validFrame.subarray(0, 1 + Math.floor(random() * (validFrame.length - 2))); // truncated
        case 6: return Uint8Array.from([4 + Math.floor(random() * 252), ...bytes(n)]); // unknown type
        case 7: return String.fromCharCode(...bytes(n)); // text frame
        default: return Uint8Array.from([0, Math.floor(random() * 8), 0xff, 0xff, 0xff, 0xff, 0x0f, ...bytes(n)]); // huge lengths
      }
    };
    const messagesBefore = await metric('concord_messages_in_total');
    const WORKERS = 40;
    const FRAMES = 10_000;
    let sent = 0;
    let sockets = 0;
    const worker = async () => {
      let socket: RawClient | null = null;
      while (sent < FRAMES) {
        if (!socket || socket.closeCode !== null) {
          socket = new RawClient(relay!.wsUrl(room, random() < 0.5 ? 'acks=1' : ''), { sync: false });
          sockets++;
          await socket.opened;
        }
        // The fuzz frame, then a probe the relay answers (query awareness): once
        // an answer or the close arrives, the relay has read the fuzz frame.
        const seen = socket.received.length;
        socket.send(frameOf());
        socket.send(encodeQueryAwareness());
        sent++;
        const current = socket;
        await Promise.race([current.closed, current.until(() => current.received.length > seen, 'an answer')]);
        if (sent % 2_000 === 0) alice.doc.getText('title').insert(title(alice).length, '.');
      }
      socket?.close();
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const processed = (await metric('concord_messages_in_total')) - messagesBefore; // fuzz frames and probes
    expect(sent).toBeGreaterThanOrEqual(FRAMES);
    expect(processed).toBeGreaterThan(FRAMES); // real work: every fuzz frame reached the decoder
    expect(sockets).toBeGreaterThan(1_000);
    expect(await metric('concord_closes_total', 'code="4400",kind="malformed"')).toBeGreaterThan(FRAMES / 2);
    expect((await http('/healthz')).status).toBe(200);
    expect(alice.closeCode).toBeNull();
    await typeAndSave(alice, 'done');
    const after = stored(room);
    expect(after.getText('title').toString()).toBe(title(alice));
    expect(after.getText('title').toString()).toMatch(/^honest\.*done$/);
    expect(after.get('content', Y.XmlText).toString()).toBe(contentBefore);
    console.log(`fuzz seed ${seed}: ${sent} frames sent, ${processed} processed, over ${sockets} sockets`);
  }, 120_000);
});

describe('roles and share links (H5)', () => {
  async function createProtected(): Promise<CreatedDocument> {
    const response = await http('/api/docs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"protected": true}' });
    expect(response.status).toBe(201);
    return (await response.json()) as CreatedDocument;
  }
  const keyOf = (url: string) => new URL(url, 'http://x').searchParams.get('key')!;

  it('H5: POST /api/docs makes share links; the access endpoint and the upgrade answer 401/403/role', async () => {
    await start();
    const doc = await createProtected();
    expect(doc.protected).toBe(true);
    expect(doc.editUrl).toMatch(new RegExp(`^/d/${doc.room}\\?key=[A-Za-z0-9_-]{43}$`));
    expect(doc.viewUrl).toMatch(new RegExp(`^/d/${doc.room}\\?key=[A-Za-z0-9_-]{43}$`));
    expect(statSync(join(relay!.dataDir, SECRET_FILE)).mode & 0o777).toBe(0o600);
    const access = async (query: string) => {
      const response = await http(`/api/docs/${doc.room}/access${query}`);
      return { status: response.status, body: (await response.json()) as AccessAnswer };
    };
    expect(await access('')).toMatchObject({ status: 401, body: { protected: true, role: null } });
    expect(await access('?key=wrong')).toMatchObject({ status: 403, body: { protected: true, role: null } });
    expect(await access(`?key=${keyOf(doc.editUrl)}`)).toEqual({ status: 200, body: { protected: true, role: Role.editor } });
    expect(await access(`?key=${keyOf(doc.viewUrl!)}`)).toEqual({ status: 200, body: { protected: true, role: Role.viewer } });
    expect((await http('/api/docs/open-doc/access')).status).toBe(200);
    expect(await upgradeStatus(relay!.wsUrl(doc.room, ''))).toBe(401);
    expect(await upgradeStatus(relay!.wsUrl(doc.room, 'key=wrong'))).toBe(403);
    expect(await upgradeStatus(relay!.wsUrl(doc.room, `key=${keyOf(doc.viewUrl!)}`))).toBe(101);
    expect(await upgradeStatus(relay!.wsUrl(doc.room, `key=${keyOf(doc.editUrl)}`))).toBe(101);
    expect(await upgradeStatus(relay!.wsUrl('open-doc', ''))).toBe(101);
    // Open documents stay open; POST without protection makes one.
    const open = (await (await http('/api/docs', { method: 'POST', body: '{}' })).json()) as CreatedDocument;
    expect(open).toMatchObject({ protected: false, viewUrl: null });
    expect((await http('/api/docs', { method: 'POST', body: 'nope' })).status).toBe(400);
    expect(await metric('concord_upgrades_refused_total', 'status="401"')).toBe(1);
    // Protection and keys survive a restart.
    await relay!.restart();
    expect(await upgradeStatus(relay!.wsUrl(doc.room, ''))).toBe(401);
    expect(await upgradeStatus(relay!.wsUrl(doc.room, `key=${keyOf(doc.editUrl)}`))).toBe(101);
  });

  it('H5: a viewer\'s crafted updates: 0 applied, 0 stored, 0 forwarded; the viewer still receives live edits', async () => {
    await start();
    const doc = await createProtected();
    const alice = connect(doc.room, `acks=1&key=${keyOf(doc.editUrl)}`);
    await typeAndSave(alice, 'live');
    const carol = connect(doc.room, `acks=1&key=${keyOf(doc.editUrl)}`);
    await carol.until(() => title(carol) === 'live', 'carol synced');
    const viewer = connect(doc.room, `acks=1&key=${keyOf(doc.viewUrl!)}`);
    await viewer.until(() => title(viewer) === 'live' && viewer.acks.length > 0, 'viewer synced');
    const carolFramesBefore = carol.received.filter((f) => f[0] === MessageType.sync).length;
    // Its client's own edit (an update frame), a crafted step 2 and a crafted update.
    viewer.doc.getText('title').insert(0, 'EVIL ');
    const crafted = new Y.Doc();
    crafted.getText('title').insert(0, 'CRAFTED ');
    viewer.send(updateFrame(Y.encodeStateAsUpdate(crafted), 'step2'));
    viewer.send(updateFrame(Y.encodeStateAsUpdate(crafted)));
    await viewer.until(() => false, 'nothing', 200).catch(() => undefined);
    expect(await metric('concord_viewer_updates_dropped_total')).toBe(3);
    // Live edits still reach the viewer.
    await typeAndSave(alice, ' more');
    await viewer.until(() => title(viewer).includes('live more'), 'viewer to see the live edit');
    const room = relay!.concord.rooms.peek(doc.room)!;
    expect(room.doc.getText('title').toString()).toBe('live more'); // 0 applied
    expect(stored(doc.room).getText('title').toString()).toBe('live more'); // 0 stored
    await carol.until(() => title(carol) === 'live more', 'carol sees alice');
    expect(carol.received.filter((f) => f[0] === MessageType.sync).length - carolFramesBefore).toBe(1); // 0 forwarded: only alice's
    expect(viewer.closeCode).toBeNull();
    expect(Math.max(...viewer.acks.map((a) => a.committedUpdateFrames))).toBe(1); // its empty step 2, never the dropped frames
  });

  it('H5: a viewer\'s awareness is stamped role "viewer" whatever it claims', async () => {
    await start();
    const doc = await createProtected();
    const alice = connect(doc.room, `acks=1&key=${keyOf(doc.editUrl)}`);
    await alice.opened;
    const viewer = connect(doc.room, `key=${keyOf(doc.viewUrl!)}`, { sync: false });
    await viewer.opened;
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState({ user: { name: 'Vic', color: '#123456', role: 'editor' } });
    viewer.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    await alice.until(() => {
      for (const frame of alice.received.filter((f) => f[0] === MessageType.awareness)) {
        awarenessProtocol.applyAwarenessUpdate(seen, frame.subarray(2), 'relay');
      }
      return seen.getStates().has(awareness.clientID);
    }, 'alice to see the viewer');
    expect(seen.getStates().get(awareness.clientID)).toEqual({ user: { name: 'Vic', color: '#123456', role: Role.viewer } });
  });
});

describe('origin check (H6)', () => {
  it('H6: foreign Origin → 403; own origin, allow-listed origin and no Origin open', async () => {
    await start({ ALLOWED_ORIGINS: 'https://allowed.example, http://localhost:5173' });
    const url = relay!.wsUrl('origin', '');
    const own = `http://127.0.0.1:${relay!.concord.port}`;
    expect(await upgradeStatus(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { Origin: `http://127.0.0.1:${relay!.concord.port + 1}` })).toBe(403);
    expect(await upgradeStatus(url, { Origin: own })).toBe(101);
    expect(await upgradeStatus(url, { Origin: 'https://allowed.example' })).toBe(101);
    expect(await upgradeStatus(url, { Origin: 'http://localhost:5173' })).toBe(101);
    expect(await upgradeStatus(url)).toBe(101);
    expect(await metric('concord_upgrades_refused_total', 'status="403"')).toBe(2);
  });
});

describe('observability (H7)', () => {
  it('H7: one log line per open, close and limit hit; /metrics has limits, close kinds and event-loop p99', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    await start({ MAX_AWARENESS_BYTES: '256' }, log);
    const mallory = connect('obs', '', { sync: false });
    await mallory.opened;
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState({ user: { name: 'M'.repeat(1_000) } });
    mallory.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
    expect(await mallory.closed).toBe(CloseCode.tooBig);
    const of = (msg: string) => lines.filter((l) => l.msg === msg);
    await eventually(() => of('connection close').length > 0, 'the close to be logged');
    expect(of('connection open')).toHaveLength(1);
    expect(of('connection open')[0]).toMatchObject({ room: 'obs', role: Role.editor });
    expect(of('limit hit')).toHaveLength(1);
    expect(of('limit hit')[0]).toMatchObject({ room: 'obs', limit: 'awareness_bytes', code: CloseCode.tooBig });
    expect(of('connection close')).toHaveLength(1);
    expect(of('connection close')[0]).toMatchObject({ room: 'obs', role: Role.editor, code: CloseCode.tooBig, kind: 'tooBig' });
    expect(of('connection close')[0].bytesIn).toBeGreaterThan(0);
    expect(of('connection close')[0].bytesOut).toBeGreaterThan(0);
    expect(typeof of('connection close')[0].durationMs).toBe('number');
    const text = await (await http('/metrics')).text();
    expect(text).toContain('concord_limits_hit_total{limit="awareness_bytes"} 1');
    expect(text).toContain('concord_closes_total{code="1009",kind="tooBig"} 1');
    expect(text).toMatch(/concord_event_loop_delay_p99_seconds \d/);
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
  });
});
