/**
 * Classrooms on the relay (docs/PROTOCOL.md rules T1–T6), with stock
 * y-websocket providers as students: they reconnect by themselves after the
 * relay's 4307, as every tab does.
 */
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import {
  CLASSROOM_MESSAGE,
  readClassroomNotice,
  type ClassroomNotice,
  type ClassroomState,
  type CreatedClassroom,
  type Group,
} from '../../src/protocol/classroom';
import { MessageType } from '../../src/protocol/constants';
import { readSavedBody } from '../../src/protocol/codec';
import { startTestRelay, upgradeStatus, type TestRelay } from './testing';

let relay: TestRelay;
const providers: WebsocketProvider[] = [];

beforeEach(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.destroy();
  await relay.stop();
});

const base = () => `http://127.0.0.1:${relay.concord.port}`;

async function createClassroom(): Promise<{ room: string; key: string; created: CreatedClassroom }> {
  const response = await fetch(`${base()}/api/classrooms`, { method: 'POST' });
  expect(response.status).toBe(201);
  const created = (await response.json()) as CreatedClassroom;
  const key = new URL(created.teacherUrl, base()).searchParams.get('key')!;
  return { room: created.room, key, created };
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${base()}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function state(room: string, key: string): Promise<ClassroomState> {
  const response = await fetch(`${base()}/api/classrooms/${room}?key=${encodeURIComponent(key)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ClassroomState;
}

interface Student {
  id: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  notices: ClassroomNotice[];
  /** The latest `saved` count on the current socket. */
  acked: number;
  text(): string;
  type(text: string): void;
  group(): Group | null;
}

function student(room: string, id: string): Student {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${relay.concord.port}/ws`, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { student: id, acks: '1' },
  });
  providers.push(provider);
  const me: Student = {
    id,
    doc,
    provider,
    notices: [],
    acked: 0,
    text: () => doc.getText('title').toString(),
    type: (text) => doc.getText('title').insert(doc.getText('title').length, text),
    group: () => me.notices.at(-1)?.group ?? null,
  };
  provider.messageHandlers[CLASSROOM_MESSAGE] = (_encoder: unknown, decoder: decoding.Decoder) => {
    me.notices.push(readClassroomNotice(decoder));
    // As Concord's tab does: renew presence with a new clock, or peers that saw
    // this client before the regroup ignore its state (y-protocols skips clocks it has seen).
    provider.awareness.setLocalState(provider.awareness.getLocalState());
  };
  provider.messageHandlers[MessageType.saved] = (_encoder: unknown, decoder: decoding.Decoder) => {
    me.acked = readSavedBody(decoder).committedUpdateFrames;
  };
  provider.awareness.setLocalStateField('user', { name: `Student ${id}`, color: '#1971c2' });
  return me;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Resolves once `to` has `from`'s presence as `from` renews it now. The relay
 * sends `to` in order, so whatever it sent `to` before handling that renewal
 * (a leaked update, say) has arrived by then.
 */
async function heardFrom(to: Student, from: Student): Promise<void> {
  const awareness = from.provider.awareness;
  awareness.setLocalState(awareness.getLocalState());
  const clock = awareness.meta.get(awareness.clientID)!.clock;
  await until(() => (to.provider.awareness.meta.get(awareness.clientID)?.clock ?? -1) >= clock, `${to.id} to hear from ${from.id}`);
}

const synced = (s: Student) => s.provider.synced;
const names = (s: Student) =>
  [...s.provider.awareness.getStates().values()].map((st) => (st as { user?: { name: string } }).user?.name).filter(Boolean).sort();

/** Four connected students, joined in order s1..s4. */
async function fourStudents(room: string): Promise<Student[]> {
  const students: Student[] = [];
  for (const id of ['s1', 's2', 's3', 's4']) {
    const s = student(room, id);
    await until(() => synced(s), `${id} to sync`);
    students.push(s);
  }
  return students;
}

/** Waits until every student's tab has reconnected to its new leader and been told its group. */
async function regrouped(students: Student[], expected: (Group | null)[]): Promise<void> {
  await until(
    () => students.every((s, i) => synced(s) && s.notices.length > 0 && s.group() === expected[i]),
    `groups ${expected.join(',')}`,
  );
}

describe('classrooms', () => {
  it('T1: only the teacher key partitions, heals, moves or reads the roster; a student\'s crafted requests are refused', async () => {
    const { room, key } = await createClassroom();
    const other = await createClassroom();
    const protectedDoc = await (await post('/api/docs', { protected: true })).json();
    const editKey = new URL(protectedDoc.editUrl, base()).searchParams.get('key');
    const [s1] = await fourStudents(room);

    for (const action of ['partition', 'heal', 'move']) {
      const path = `/api/classrooms/${room}/${action}`;
      expect((await post(path, { student: 's1' })).status, `${action} without a key`).toBe(401);
      expect((await post(path, { key: '', student: 's1' })).status).toBe(401);
      expect((await post(path, { key: 'x'.repeat(43), student: 's1' })).status, `${action} with a made-up key`).toBe(403);
      expect((await post(path, { key: other.key, student: 's1' })).status, `${action} with another classroom's key`).toBe(403);
      expect((await post(path, { key: editKey, student: 's1' })).status, `${action} with a document's edit key`).toBe(403);
      expect((await post(path, { key: s1.id, student: 's1' })).status).toBe(403);
    }
    expect((await fetch(`${base()}/api/classrooms/${room}`)).status).toBe(401);
    expect((await fetch(`${base()}/api/classrooms/${room}?key=${other.key}`)).status).toBe(403);
    // A socket claiming to be the teacher, to watch a group: refused before the upgrade.
    expect(await upgradeStatus(relay.wsUrl(room, `teacher=${other.key}&group=A`))).toBe(403);
    expect(await upgradeStatus(relay.wsUrl(room, `teacher=${key}&group=A`))).toBe(101);
    // Group leaders cannot be opened directly: their names are not room ids.
    expect(await upgradeStatus(relay.wsUrl(`${room}%231A`))).toBe(400);

    expect((await state(room, key)).partitioned).toBe(false);
    expect(s1.notices.every((n) => !n.partitioned)).toBe(true);
    // The teacher's key works on its own classroom only.
    expect((await post(`/api/classrooms/${other.room}/partition`, { key })).status).toBe(403);
    expect((await post(`/api/classrooms/${room}/partition`, { key })).status).toBe(200);
    expect((await state(room, key)).partitioned).toBe(true);
  });

  it('T2 T3: a partition gives each group its own leader: updates and presence stay in the group, every edit is saved; heal merges everything once', async () => {
    const { room, key } = await createClassroom();
    const students = await fourStudents(room);
    const [s1, s2, s3, s4] = students;
    s1.type('shared ');
    await until(() => students.every((s) => s.text() === 'shared '), 'everyone to see the shared start');
    await until(() => students.every((s) => names(s).length === 4), 'everyone to see four students');

    expect((await post(`/api/classrooms/${room}/partition`, { key })).status).toBe(200);
    await regrouped(students, ['A', 'B', 'A', 'B']); // alternating in join order
    const roster = await state(room, key);
    expect(roster.students.map((s) => [s.id, s.group])).toEqual([
      ['s1', 'A'],
      ['s2', 'B'],
      ['s3', 'A'],
      ['s4', 'B'],
    ]);
    expect(roster.students.map((s) => s.name)).toEqual(['Student s1', 'Student s2', 'Student s3', 'Student s4']);

    // Presence: each group sees only itself.
    await until(() => names(s1).length === 2 && names(s2).length === 2, 'presence within groups');
    expect(names(s1)).toEqual(['Student s1', 'Student s3']);
    expect(names(s4)).toEqual(['Student s2', 'Student s4']);

    s1.type('a1 ');
    s3.type('a3 ');
    s2.type('b2 ');
    s4.type('b4 ');
    await until(() => [s1, s3].every((s) => s.text().includes('a1') && s.text().includes('a3')), 'group A to converge');
    await until(() => [s2, s4].every((s) => s.text().includes('b2') && s.text().includes('b4')), 'group B to converge');
    // Every edit is stored and acked by its group's leader.
    await until(() => students.every((s) => s.acked > 0), 'saved acks in both groups');
    // Anything leaking was sent before those acks, so before what each student now hears from a groupmate.
    await Promise.all([heardFrom(s1, s3), heardFrom(s3, s1), heardFrom(s2, s4), heardFrom(s4, s2)]);
    for (const s of [s1, s3]) expect(s.text()).not.toMatch(/b2|b4/);
    for (const s of [s2, s4]) expect(s.text()).not.toMatch(/a1|a3/);
    expect(names(s3)).toEqual(['Student s1', 'Student s3']);

    // A late joiner goes to the smaller group; with equal groups, A.
    const s5 = student(room, 's5');
    await until(() => synced(s5) && s5.group() === 'A', 's5 in group A');
    await until(() => s5.text().includes('a1') && !s5.text().includes('b2'), "s5 to get group A's document");

    expect((await post(`/api/classrooms/${room}/heal`, { key })).status).toBe(200);
    const all = [...students, s5];
    await regrouped(all, [null, null, null, null, null]);
    await until(() => all.every((s) => ['a1', 'a3', 'b2', 'b4'].every((t) => s.text().includes(t))), 'everyone to converge');
    const text = s1.text();
    for (const s of all) expect(s.text()).toBe(text);
    for (const token of ['shared', 'a1', 'a3', 'b2', 'b4']) expect(text.split(token).length - 1, token).toBe(1);
    await until(() => names(s1).length === 5, 'presence of the whole class again');

    const report = (await state(room, key)).lastHeal!;
    expect(report.groups.map((g) => g.group)).toEqual(['A', 'B']);
    expect(report.groups[0].inserted.join(' ')).toMatch(/a1/);
    expect(report.groups[0].inserted.join(' ')).not.toMatch(/b2|shared/);
    expect(report.groups[1].inserted.join(' ')).toMatch(/b2/);
    expect(report.groups[1].students.sort()).toEqual(['Student s2', 'Student s4']);
  });

  it('T4: the teacher moves a student to the other group; the student takes their copy along', async () => {
    const { room, key } = await createClassroom();
    const students = await fourStudents(room);
    const [s1, s2, , s4] = students;
    await post(`/api/classrooms/${room}/partition`, { key });
    await regrouped(students, ['A', 'B', 'A', 'B']);
    s2.type('b2 ');
    await until(() => s4.text().includes('b2'), 's4 to see b2');

    expect((await post(`/api/classrooms/${room}/move`, { key, student: 's2' })).status).toBe(200);
    await regrouped(students, ['A', 'A', 'A', 'B']);
    expect((await state(room, key)).students.find((s) => s.id === 's2')!.group).toBe('A');
    // s2's tab carried what it had into group A, as a leader that changes datacenter does.
    await until(() => s1.text().includes('b2'), 's1 to receive what s2 carried');
    s2.type('moved ');
    await until(() => s1.text().includes('moved'), 's1 to see s2 typing in A');
    expect((await post(`/api/classrooms/${room}/move`, { key, student: 'nobody' })).status).toBe(404);
    // Now A has three students and B one: a latecomer goes to the smaller group, B.
    const s5 = student(room, 's5');
    await until(() => synced(s5) && s5.group() === 'B', 's5 in the smaller group B');
    await until(() => s5.text().includes('b2') && !s5.text().includes('moved'), "s5 to get group B's document");
    // s2's 'moved' was handled before s1 saw it, so before s5 speaks: had it leaked to s4, s4 has it by now.
    await heardFrom(s4, s5);
    expect(s4.text()).not.toContain('moved');
  });

  it('T5: a relay restarted mid-partition keeps both leaders and every group: nothing acked is lost', async () => {
    const { room, key } = await createClassroom();
    const students = await fourStudents(room);
    const [s1, s2, s3, s4] = students;
    await post(`/api/classrooms/${room}/partition`, { key });
    await regrouped(students, ['A', 'B', 'A', 'B']);
    s1.type('a1 ');
    s2.type('b2 ');
    await until(() => s1.acked > 0 && s2.acked > 0 && s3.text().includes('a1') && s4.text().includes('b2'), 'acks');

    for (const s of students) s.notices.length = 0;
    await relay.restart();
    await regrouped(students, ['A', 'B', 'A', 'B']); // back with the same leaders
    s3.type('a3 ');
    s4.type('b4 ');
    await until(() => s1.text().includes('a3') && s2.text().includes('b4'), 'groups to work after the restart');
    expect(s1.text()).not.toMatch(/b2|b4/);
    expect(s2.text()).not.toMatch(/a1|a3/);

    expect((await post(`/api/classrooms/${room}/heal`, { key })).status).toBe(200);
    await until(() => students.every((s) => ['a1', 'a3', 'b2', 'b4'].every((t) => s.text().includes(t))), 'everyone to converge');
    // And a fresh client after another restart reads all of it from the room's store.
    for (const provider of providers.splice(0)) provider.destroy();
    await relay.restart();
    const late = student(room, 'late');
    await until(() => synced(late), 'late to sync');
    for (const token of ['a1', 'a3', 'b2', 'b4']) expect(late.text()).toContain(token);
  });

  it('T6: the student link uses PUBLIC_URL when set', async () => {
    await relay.stop();
    relay = await startTestRelay({ PUBLIC_URL: 'http://concord.school.example:8080' });
    const { room, key, created } = await createClassroom();
    expect(created.studentUrl).toBe(`http://concord.school.example:8080/d/${room}`);
    expect((await state(room, key)).link.source).toBe('PUBLIC_URL');
    expect(await (await fetch(`${base()}/api/public-origin`)).json()).toMatchObject({ origin: 'http://concord.school.example:8080' });
  });
});
