/**
 * Partitions of a classroom, enforced by the relay: the chapter's
 * multi-leader replication with the students' tabs as clients.
 *
 * While a classroom `R` is partitioned (partition number `e`), each group
 * (A, B) has its own leader on this relay: a room of its own, `R#eA` and
 * `R#eB`, with its own Y.Doc, presence, store and `saved` acks — the ordinary
 * Room machinery (room.ts, rooms.ts), so every edit in a group is stored
 * durably before it is acked and survives a relay restart. Both start as
 * copies of `R` at the split. The relay routes each student's socket to its
 * group's leader at the upgrade (`route`), so a group's updates and presence
 * reach only that group: nothing is filtered, the groups simply do not share a
 * document. Group room names contain `#`, which is not a valid room id, so no
 * client can open one directly.
 *
 * Heal is the replication between the leaders: each group's state is merged
 * into `R` (a Yjs merge: every edit of both kept, concurrent ones ordered as
 * the CRDT orders them), committed, and only then is the classroom marked
 * healed. Whenever the routing of a connected socket changes (partition, heal,
 * a move), the relay closes it with 4307 (REGROUPED_CLOSE_CODE, transient):
 * the tab reconnects at once, the upgrade routes it to its new leader, and the
 * sync handshake carries across whatever its own replica has — a moved student
 * takes what they saw in their old group with them, as a tab that changes
 * datacenter does.
 *
 * Which group a student is in is stored (classroomStore.ts) before the relay
 * acts on it; a relay restarted mid-partition routes everyone back to the same
 * leader, whose state is in its store.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import {
  GROUP_QUERY_PARAM,
  GROUPS,
  REGROUPED_CLOSE_CODE,
  STUDENT_ID_PATTERN,
  STUDENT_QUERY_PARAM,
  TEACHER_QUERY_PARAM,
  encodeClassroomNotice,
  isGroup,
  otherGroup,
  type ClassroomStudent,
  type Group,
  type GroupWrites,
  type HealReport,
} from '../../src/protocol/classroom';
import { Role } from '../../src/protocol/constants';
import type { ClassroomRecord, ClassroomStore } from '../classroom/classroomStore';
import { writesSince } from '../classroom/groupWrites';
import type { Logger } from '../log';
import type { Connection } from './connection';
import type { Room } from './room';
import type { Rooms } from './rooms';

/** The place in the join order of a socket that named no student. */
const LAST = Number.MAX_SAFE_INTEGER;

/** The room holding group `group`'s leader during partition number `epoch` of classroom `room`. */
export function groupRoomName(room: string, epoch: number, group: Group): string {
  return `${room}#${epoch}${group}`;
}

/** What a socket is to its classroom. */
interface ClassroomSocket {
  classroom: string;
  /** The student id (from `?student=`, or one made up for a client that sent none); null for the teacher. */
  student: string | null;
  /** The client named itself a student (Concord's tab): it understands the classroom notice. */
  named: boolean;
  teacher: boolean;
  /** The group a teacher's socket watches. */
  watching: Group | null;
}

/** Where the relay sends an upgrading socket of a classroom, or why it refuses it. */
export type Routing =
  | { refused: true; status: 403; message: string }
  | { refused: false; room: string; role: Role | null; socket: ClassroomSocket };

export type ClassroomOutcome = { ok: true } | { ok: false; status: 404 | 409 | 503; error: string };

export class Partitions {
  /** Per classroom, the order in which students first joined (alternating groups follow it). */
  private readonly joinOrder = new Map<string, Map<string, number>>();
  private joins = 0;
  private readonly sockets = new WeakMap<Connection, ClassroomSocket>();

  constructor(
    private readonly store: ClassroomStore,
    private readonly rooms: Rooms,
    private readonly log: Logger,
  ) {}

  // ── Hooks the WebSocket relay calls (relay.ts) ──────────────────────────

  /**
   * At the upgrade of a socket to `/ws/<room>`: null if `room` is not a
   * classroom (nothing changes), else the room it joins — its group's leader
   * while partitioned — or a refusal (a wrong teacher key).
   */
  route(room: string, params: URLSearchParams): Routing | null {
    const classroom = this.store.get(room);
    if (!classroom) return null;
    const teacherKey = params.get(TEACHER_QUERY_PARAM);
    if (teacherKey !== null) {
      if (!this.store.isTeacher(room, teacherKey)) return { refused: true, status: 403, message: 'wrong teacher key for this classroom' };
      const watching = params.get(GROUP_QUERY_PARAM);
      const group = isGroup(watching) ? watching : null;
      // The teacher watches: a viewer (its updates are dropped), wherever it looks.
      return {
        refused: false,
        room: this.targetRoom(classroom, null, group),
        role: Role.viewer,
        socket: { classroom: room, student: null, named: false, teacher: true, watching: group },
      };
    }
    const given = params.get(STUDENT_QUERY_PARAM);
    const named = given !== null && STUDENT_ID_PATTERN.test(given);
    const student = named ? given : `anonymous-${randomBytes(6).toString('hex')}`;
    if (named) this.noteJoin(room, student); // an anonymous id lives one connection: it would only grow the map
    return {
      refused: false,
      room: this.targetRoom(classroom, student, null),
      role: null,
      socket: { classroom: room, student, named, teacher: false, watching: null },
    };
  }

  /**
   * After a routed socket joined its room. If the routing changed while it was
   * upgrading (a partition or heal in between), it is sent on at once (4307);
   * otherwise a student's tab is told its group.
   */
  joined(connection: Connection, socket: ClassroomSocket): void {
    this.sockets.set(connection, socket);
    const classroom = this.store.get(socket.classroom);
    if (!classroom) return;
    const expected = this.targetRoom(classroom, socket.student, socket.watching);
    if (connection.room !== expected) {
      connection.close(REGROUPED_CLOSE_CODE, 'the classroom was regrouped: reconnect');
      return;
    }
    if (socket.named) connection.send(encodeClassroomNotice(this.notice(classroom, socket.student)));
  }

  // ── What the teacher's API asks (server/api/classrooms.ts) ──────────────

  create(room: string): void {
    this.store.create(room);
  }

  isClassroom(room: string): boolean {
    return this.store.get(room) !== null;
  }

  isTeacher(room: string, key: string | null | undefined): boolean {
    return this.store.isTeacher(room, key);
  }

  teacherKey(room: string): string {
    return this.store.teacherKey(room);
  }

  /** The classroom's state for the teacher console (null if `room` is not a classroom). */
  state(room: string): { partitioned: boolean; epoch: number; partitionedAt: number | null; students: ClassroomStudent[]; lastHeal: HealReport | null } | null {
    const classroom = this.store.get(room);
    if (!classroom) return null;
    return {
      partitioned: classroom.partitioned,
      epoch: classroom.epoch,
      partitionedAt: classroom.partitioned ? classroom.partitionedAt : null,
      students: this.students(classroom),
      lastHeal: classroom.lastHeal,
    };
  }

  /**
   * Splits the connected students into groups A and B, alternating in join
   * order, each group with its own leader starting from the room's state.
   */
  partition(room: string): ClassroomOutcome {
    const classroom = this.store.get(room);
    if (!classroom) return { ok: false, status: 404, error: 'no such classroom' };
    if (classroom.partitioned) return { ok: false, status: 409, error: 'the class is already partitioned: heal it first' };
    const main = this.rooms.open(room);
    if (!this.rooms.flush()) return { ok: false, status: 503, error: 'storage is failing; nothing was changed' };
    const epoch = classroom.epoch + 1;
    const state = Y.encodeStateAsUpdate(main.doc);
    for (const group of GROUPS) this.rooms.open(groupRoomName(room, epoch, group)).applyFromCluster(state, null);
    // Both leaders' starting state is on disk before any student is routed to them.
    if (!this.rooms.flush()) return { ok: false, status: 503, error: 'storage is failing; nothing was changed' };

    const members = new Map<string, Group>();
    const connected = this.connectedStudents(main);
    connected.forEach((student, i) => members.set(student, GROUPS[i % 2]));
    this.store.startPartition(room, epoch, Y.encodeStateVector(main.doc), members);
    this.log.info({ room, epoch, students: connected.length }, 'classroom partitioned');
    this.regroup(main);
    return { ok: true };
  }

  /** Merges both groups' leaders into the room, then sends every student back to it. */
  heal(room: string): ClassroomOutcome {
    const classroom = this.store.get(room);
    if (!classroom) return { ok: false, status: 404, error: 'no such classroom' };
    if (!classroom.partitioned) return { ok: false, status: 409, error: 'the class is not partitioned' };
    const main = this.rooms.open(room);
    const split = classroom.splitStateVector ? Y.decodeStateVector(classroom.splitStateVector) : new Map<number, number>();
    const before = writesSince(main.doc, split).oldVisibleChars;
    const groups: GroupWrites[] = [];
    const leaders: Room[] = [];
    for (const group of GROUPS) {
      const leader = this.rooms.open(groupRoomName(room, classroom.epoch, group));
      leaders.push(leader);
      const writes = writesSince(leader.doc, split);
      groups.push({
        group,
        students: this.studentsIn(leader).map((s) => s.name),
        inserted: writes.inserted,
        insertedChars: writes.insertedChars,
        deletedChars: Math.max(0, before - writes.oldVisibleChars),
      });
    }
    for (const leader of leaders) {
      const missing = Y.encodeStateAsUpdate(leader.doc, Y.encodeStateVector(main.doc));
      // Applied, stored and sent to the room's sockets (the teacher's view); its
      // dependencies are the split state, which the room has.
      if (!main.applyFromCluster(missing, null)) {
        this.log.error({ room, leader: leader.name }, 'a group leader builds on structs the classroom lacks');
        return { ok: false, status: 503, error: 'a group could not be merged; the partition stays' };
      }
    }
    // The merge is on disk before the classroom is marked healed: a crash in
    // between leaves it partitioned, with both groups' leaders intact.
    if (!this.rooms.flush()) return { ok: false, status: 503, error: 'storage is failing; the partition stays' };
    const report: HealReport = { epoch: classroom.epoch, partitionedAt: classroom.partitionedAt ?? Date.now(), healedAt: Date.now(), groups };
    this.store.endPartition(room, report);
    this.log.info({ room, epoch: classroom.epoch, writes: groups.map((g) => g.insertedChars) }, 'classroom healed');
    for (const leader of leaders) this.regroup(leader);
    return { ok: true };
  }

  /** Moves a student to the other group (or to `to`) while partitioned. */
  move(room: string, student: string, to: Group | null): ClassroomOutcome {
    const classroom = this.store.get(room);
    if (!classroom) return { ok: false, status: 404, error: 'no such classroom' };
    if (!classroom.partitioned) return { ok: false, status: 409, error: 'groups exist only while the class is partitioned' };
    const from = classroom.members.get(student);
    if (!from) return { ok: false, status: 404, error: 'no such student in this partition' };
    const target = to ?? otherGroup(from);
    if (target === from) return { ok: true };
    this.store.setMember(room, student, target);
    this.log.info({ room, epoch: classroom.epoch, student, from, to: target }, 'student moved');
    const leader = this.rooms.peek(groupRoomName(room, classroom.epoch, from));
    if (leader) this.regroup(leader);
    return { ok: true };
  }

  // ── Internals ───────────────────────────────────────────────────────────

  /** The room a socket of this classroom belongs in now. */
  private targetRoom(classroom: ClassroomRecord, student: string | null, watching: Group | null): string {
    if (!classroom.partitioned) return classroom.room;
    if (student === null) return watching ? groupRoomName(classroom.room, classroom.epoch, watching) : classroom.room;
    return groupRoomName(classroom.room, classroom.epoch, this.groupOf(classroom, student));
  }

  /** A student's group; one who joins during the partition goes to the group with fewer students connected. */
  private groupOf(classroom: ClassroomRecord, student: string): Group {
    const known = classroom.members.get(student);
    if (known) return known;
    const sizes = GROUPS.map((group) => {
      const leader = this.rooms.peek(groupRoomName(classroom.room, classroom.epoch, group));
      return leader ? this.connectedStudents(leader).length : 0;
    });
    const group = sizes[1] < sizes[0] ? 'B' : 'A';
    this.store.setMember(classroom.room, student, group);
    return group;
  }

  private notice(classroom: ClassroomRecord, student: string | null) {
    const group = classroom.partitioned && student ? (classroom.members.get(student) ?? null) : null;
    return { partitioned: group !== null, group, epoch: classroom.epoch };
  }

  private noteJoin(room: string, student: string): void {
    let order = this.joinOrder.get(room);
    if (!order) this.joinOrder.set(room, (order = new Map()));
    if (!order.has(student)) order.set(student, this.joins++);
  }

  /** Distinct student ids with a socket in `room`, in join order. */
  private connectedStudents(room: Room): string[] {
    return this.studentsIn(room).map((s) => s.id);
  }

  /** The students with a socket in `room` (one entry per student), in join order, named from their presence. */
  private studentsIn(room: Room, group: Group | null = null): ClassroomStudent[] {
    const found = new Map<string, ClassroomStudent>();
    const order = this.joinOrder.get(room.name.split('#')[0]);
    for (const connection of room.connections) {
      const socket = this.sockets.get(connection);
      if (!socket?.student || !connection.isOpen) continue;
      let user: { name?: unknown; color?: unknown } | undefined;
      for (const clientId of connection.awarenessClients) {
        user ??= (room.awareness.getStates().get(clientId) as { user?: { name?: unknown; color?: unknown } } | undefined)?.user;
      }
      const previous = found.get(socket.student);
      if (previous && previous.name !== '') continue;
      found.set(socket.student, {
        id: socket.student,
        name: typeof user?.name === 'string' ? user.name.slice(0, 40) : '',
        color: typeof user?.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : '#6b7280',
        group,
      });
    }
    return [...found.values()].sort((a, b) => (order?.get(a.id) ?? LAST) - (order?.get(b.id) ?? LAST));
  }

  /** Every connected student of the classroom, with their group while partitioned. */
  private students(classroom: ClassroomRecord): ClassroomStudent[] {
    const rooms: Array<[Room | undefined, Group | null]> = classroom.partitioned
      ? GROUPS.map((group) => [this.rooms.peek(groupRoomName(classroom.room, classroom.epoch, group)), group])
      : [[this.rooms.peek(classroom.room), null]];
    const all = rooms.flatMap(([room, group]) => (room ? this.studentsIn(room, group) : []));
    const order = this.joinOrder.get(classroom.room);
    return all.sort((a, b) => (order?.get(a.id) ?? LAST) - (order?.get(b.id) ?? LAST));
  }

  /**
   * Closes, with 4307, each classroom socket of `room` that now belongs in
   * another room: it reconnects at once and the upgrade routes it anew.
   */
  private regroup(room: Room): void {
    for (const connection of [...room.connections]) {
      const socket = this.sockets.get(connection);
      const classroom = socket && this.store.get(socket.classroom);
      if (!socket || !classroom) continue;
      if (this.targetRoom(classroom, socket.student, socket.watching) === connection.room) continue;
      connection.close(REGROUPED_CLOSE_CODE, 'the classroom was regrouped: reconnect');
    }
  }
}
