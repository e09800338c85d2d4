/**
 * Classrooms, shared by the browser and the relay: the teacher's API, the
 * notice a student's tab receives over its WebSocket, and the names of the
 * two groups ("datacenters") a partition splits the class into.
 *
 * A classroom is a document created with `POST /api/classrooms`. Its teacher
 * key (HMAC of the room under the relay's secret, like share keys) is checked
 * by the relay on every partition, heal and move request. While the class is
 * partitioned, the relay routes each student's socket to its group's own
 * leader (its own Y.Doc and store); heal merges the groups into the room.
 * docs/PROTOCOL.md, "Classrooms", has the wire details and rules T1–T6.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CloseCode } from './constants';

/** Relay → student tab: `[101, varString JSON ClassroomNotice]`; sent on join to sockets that name a student. */
export const CLASSROOM_MESSAGE = 101;

/**
 * Close code: "reconnect now, the relay routes you to another leader" (like
 * HTTP 307). Sent when a partition starts or heals, or the teacher moves a
 * student. Transient: stock y-websocket and Concord's tab reconnect after it.
 */
export const REGROUPED_CLOSE_CODE = CloseCode.regrouped;

/** WebSocket query parameter: the student id (random, one per browser: its tabs share one local replica). */
export const STUDENT_QUERY_PARAM = 'student';
/** WebSocket query parameter: the teacher key (the teacher console's read-only sockets). */
export const TEACHER_QUERY_PARAM = 'teacher';
/** WebSocket query parameter with `teacher`: watch this group's leader while partitioned. */
export const GROUP_QUERY_PARAM = 'group';

export const GROUPS = ['A', 'B'] as const;
export type Group = (typeof GROUPS)[number];

export function isGroup(value: unknown): value is Group {
  return value === 'A' || value === 'B';
}

export function otherGroup(group: Group): Group {
  return group === 'A' ? 'B' : 'A';
}

/** Student ids: what a tab may send as `?student=`. */
export const STUDENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** What a student's tab is told when it joins a classroom. */
export interface ClassroomNotice {
  /** True while the class is split into groups. */
  partitioned: boolean;
  /** This tab's group while partitioned, else null. */
  group: Group | null;
  /** How many partitions this classroom has had (the current one, while partitioned). */
  epoch: number;
}

export function encodeClassroomNotice(notice: ClassroomNotice): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CLASSROOM_MESSAGE);
  encoding.writeVarString(encoder, JSON.stringify(notice));
  return encoding.toUint8Array(encoder);
}

/** Reads the body of a classroom message (after its type), tolerating anything malformed as "not partitioned". */
export function readClassroomNotice(decoder: decoding.Decoder): ClassroomNotice {
  try {
    const value = JSON.parse(decoding.readVarString(decoder)) as Partial<ClassroomNotice>;
    const group = isGroup(value.group) ? value.group : null;
    return { partitioned: value.partitioned === true && group !== null, group, epoch: Number(value.epoch) || 0 };
  } catch {
    return { partitioned: false, group: null, epoch: 0 };
  }
}

/** Paths of the classroom API and pages. */
export const ClassroomPaths = {
  /** POST: create a classroom → 201 CreatedClassroom. */
  create: '/api/classrooms',
  /** GET `?key=<teacher key>`: the classroom's state → ClassroomState. */
  state: (room: string) => `/api/classrooms/${room}`,
  /** POST `{key}`: split the connected students into groups A and B. */
  partition: (room: string) => `/api/classrooms/${room}/partition`,
  /** POST `{key}`: merge the groups back into one document. */
  heal: (room: string) => `/api/classrooms/${room}/heal`,
  /** POST `{key, student, group?}`: move a student to the other group (or to `group`). */
  move: (room: string) => `/api/classrooms/${room}/move`,
  /** The teacher console. */
  console: (room: string, key: string) => `/teach/${room}?key=${encodeURIComponent(key)}`,
  /** GET: the origin students should use (LAN address, PUBLIC_URL) → PublicLink. */
  publicOrigin: '/api/public-origin',
} as const;

export interface CreatedClassroom {
  room: string;
  /** Path of the teacher console, with the teacher key. */
  teacherUrl: string;
  /** Absolute URL students open (the classroom network's address: see PublicLink). */
  studentUrl: string;
}

/** Answer of GET /api/public-origin. */
export interface PublicLink {
  /** `scheme://host[:port]` students can reach. */
  origin: string;
  /** Why this origin: PUBLIC_URL, the LAN address (HOST=0.0.0.0), a specific HOST, or loopback. */
  source: 'PUBLIC_URL' | 'lan' | 'host' | 'loopback';
  /** When students probably cannot reach it: what to do. */
  warning: string | null;
}

export interface ClassroomStudent {
  /** The tab's student id. */
  id: string;
  name: string;
  color: string;
  /** The group while partitioned, else null. */
  group: Group | null;
}

/** What one group wrote while apart, computed by the relay when it healed. */
export interface GroupWrites {
  group: Group;
  /** Names of the students in the group at the heal. */
  students: string[];
  /** The runs of text the group inserted while apart that were still there at the heal, in document order. */
  inserted: string[];
  insertedChars: number;
  /** Characters that existed before the partition and that the group deleted. */
  deletedChars: number;
}

export interface HealReport {
  epoch: number;
  partitionedAt: number;
  healedAt: number;
  groups: GroupWrites[];
}

export interface ClassroomState {
  room: string;
  partitioned: boolean;
  epoch: number;
  /** When the current partition started (ms since epoch), or null. */
  partitionedAt: number | null;
  /** Connected students, in join order. */
  students: ClassroomStudent[];
  /** The last heal's report, or null. */
  lastHeal: HealReport | null;
  /** The student link and where its address comes from. */
  studentUrl: string;
  link: PublicLink;
}
