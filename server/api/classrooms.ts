/**
 * The classroom API (the teacher's endpoints) and the public address of the
 * relay, for share links:
 *
 * - `POST /api/classrooms` → 201 `{room, teacherUrl, studentUrl}`: a new
 *   classroom document; `teacherUrl` is the console path with the teacher key.
 * - `GET /api/classrooms/<room>?key=<teacher key>` → the classroom's state
 *   (students and their groups, partitioned or not, the last heal's report).
 * - `POST /api/classrooms/<room>/partition`, `/heal`, `/move` with a JSON body
 *   `{"key": "<teacher key>"}` (`/move` also `{"student": id, "group"?: "A"|"B"}`)
 *   → 200 with the new state.
 *
 * Every one of them checks the teacher key, whatever the page showed: no key
 * 401, a wrong key (a student's link, another classroom's key) 403, a room
 * that is not a classroom 404; 409 for a partition of a partitioned class, a
 * heal of a whole one, or a move outside a partition.
 *
 * - `GET /api/public-origin` → `{origin, source, warning}`: the address students
 *   should be given (PUBLIC_URL, else the LAN address when HOST=0.0.0.0, …;
 *   server/classroom/publicAddress.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import {
  ClassroomPaths,
  isGroup,
  type ClassroomState,
  type CreatedClassroom,
  type PublicLink,
} from '../../src/protocol/classroom';
import { KEY_QUERY_PARAM, Paths, isValidRoomId, newRoomId } from '../../src/protocol/constants';
import { publicOrigin, type NetworkInterfaces } from '../classroom/publicAddress';
import type { Logger } from '../log';
import type { ClassroomOutcome, Partitions } from '../relay/partition';

const MAX_BODY_BYTES = 2_048;
const CLASSROOM_PATH = /^\/api\/classrooms\/([^/]+)(?:\/(partition|heal|move))?$/;

export interface ClassroomApiDeps {
  partitions: Partitions;
  log: Logger;
  /** HOST, PUBLIC_URL and the bound port, for the student link. */
  address: () => { host: string; port: number; publicUrl: string | null };
  /** The machine's interfaces (tests pass fake ones). */
  interfaces?: () => NetworkInterfaces;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        const body: unknown = text === '' ? {} : JSON.parse(text);
        resolve(body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null);
      } catch {
        resolve(null);
      }
    });
    request.on('error', () => resolve(null));
  });
}

/** Handles the request if it is a classroom or public-origin path; returns false otherwise. */
export function handleClassroomApi(request: IncomingMessage, response: ServerResponse, url: URL, deps: ClassroomApiDeps): boolean {
  const { partitions, log } = deps;
  const link = (): PublicLink => {
    const { host, port, publicUrl } = deps.address();
    const forwardedTls = request.headers['x-forwarded-proto'] === 'https';
    return publicOrigin({
      publicUrl,
      host,
      port,
      interfaces: (deps.interfaces ?? networkInterfaces)() as NetworkInterfaces,
      requestHost: request.headers.host ?? null,
      requestScheme: forwardedTls ? 'https:' : 'http:',
    });
  };

  if (url.pathname === ClassroomPaths.publicOrigin) {
    json(response, 200, link());
    return true;
  }

  if (url.pathname === ClassroomPaths.create) {
    if (request.method !== 'POST') {
      response.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' });
      response.end('method not allowed\n');
      return true;
    }
    const room = newRoomId();
    partitions.create(room);
    log.info({ room }, 'classroom created');
    const created: CreatedClassroom = {
      room,
      teacherUrl: ClassroomPaths.console(room, partitions.teacherKey(room)),
      studentUrl: `${link().origin}${Paths.document(room)}`,
    };
    json(response, 201, created);
    return true;
  }

  const match = CLASSROOM_PATH.exec(url.pathname);
  if (!match) return false;
  let room: string;
  try {
    room = decodeURIComponent(match[1]);
  } catch {
    room = '';
  }
  const action = match[2] as 'partition' | 'heal' | 'move' | undefined;
  if (!isValidRoomId(room)) {
    json(response, 400, { error: 'invalid room id' });
    return true;
  }
  const wanted = action ? 'POST' : 'GET';
  if (request.method !== wanted && !(wanted === 'GET' && request.method === 'HEAD')) {
    response.writeHead(405, { Allow: wanted, 'Content-Type': 'text/plain' });
    response.end('method not allowed\n');
    return true;
  }

  const answerState = (status = 200) => {
    const state = partitions.state(room);
    if (!state) return json(response, 404, { error: 'no such classroom' });
    const origin = link();
    const body: ClassroomState = { room, ...state, studentUrl: `${origin.origin}${Paths.document(room)}`, link: origin };
    json(response, status, body);
  };
  /** The teacher-key check every request passes: 401 no key, 403 wrong key, 404 not a classroom. */
  const refused = (key: unknown): boolean => {
    if (!partitions.isClassroom(room)) {
      json(response, 404, { error: 'no such classroom' });
      return true;
    }
    if (typeof key !== 'string' || key === '') {
      json(response, 401, { error: "only the teacher can do this: open the console with the teacher's link" });
      return true;
    }
    if (!partitions.isTeacher(room, key)) {
      log.warn({ room, action: action ?? 'state' }, 'classroom request with a wrong teacher key refused');
      json(response, 403, { error: "this key is not this classroom's teacher key" });
      return true;
    }
    return false;
  };

  if (!action) {
    if (!refused(url.searchParams.get(KEY_QUERY_PARAM))) answerState();
    return true;
  }
  readJson(request).then((body) => {
    if (!body) return json(response, 400, { error: 'expected a JSON body like {"key": "<teacher key>"}' });
    if (refused(body.key)) return;
    let outcome: ClassroomOutcome;
    if (action === 'partition') outcome = partitions.partition(room);
    else if (action === 'heal') outcome = partitions.heal(room);
    else {
      if (typeof body.student !== 'string' || (body.group !== undefined && !isGroup(body.group))) {
        return json(response, 400, { error: 'expected {"key", "student": "<student id>", "group"?: "A" | "B"}' });
      }
      outcome = partitions.move(room, body.student, isGroup(body.group) ? body.group : null);
    }
    if (!outcome.ok) return json(response, outcome.status, { error: outcome.error });
    answerState();
  });
  return true;
}
