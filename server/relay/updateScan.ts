/**
 * A cheap structural pre-scan of a Yjs update (encoding V1, what y-protocols
 * sends) that runs before Y.applyUpdate.
 *
 * Why: Yjs trusts the counts and clocks inside an update. A crafted update of
 * well under 1 MiB can make decoding or integration take minutes (yjs#479,
 * yjs#687; measured here: 100,000 one-character items from 100,000 clients,
 * each built on a struct the relay does not have, 984 kB, took 118 s in
 * Y.applyUpdate because they pile up as "pending" structs). The scan walks the
 * update once, in time linear in its bytes, and
 *
 * - refuses it when a declared count cannot fit in the bytes that follow, when
 *   it holds more structs (and delete ranges) than the budget, when a clock
 *   range passes 2^32 (Yjs never gets there; yrs stores clocks as u32), or when
 *   a content or struct kind is unknown;
 * - returns which clock ranges it adds and which ids it builds on, so the room
 *   can tell, against its state vector, whether everything it needs is present
 *   (`missingDependencies`). The room never hands Yjs an update that would be
 *   left pending: such an update waits on its socket instead (heldUpdates.ts).
 */
import * as decoding from 'lib0/decoding';
import { ProtocolError } from './protocolError';

const MAX_CLOCK = 2 ** 32;

/** What one client's structs in an update cover. */
interface ClientRange {
  client: number;
  /** Clock of the first struct. */
  start: number;
  /** Clock after the last struct. */
  end: number;
  /** Clock at which a Skip (a gap) first occurs, or `end` if there is none. */
  gapAt: number;
  /** Clock of the first struct after a gap (Infinity if none): it needs the relay to have that much already. */
  afterGap: number;
}

export interface ScannedUpdate {
  /** Structs plus delete ranges, the unit of the decode budget. */
  readonly work: number;
  readonly clients: readonly ClientRange[];
  /** Ids the structs build on (origin, right origin, parent), flat: client, clock, client, clock… */
  readonly refs: readonly number[];
  /** Delete ranges, flat: client, clock, end, … */
  readonly deletes: readonly number[];
}

function fail(message: string): never {
  throw new ProtocolError('bad_update', message);
}

/** Reads a count and checks that `count` entries of at least `minBytes` each can fit in what is left. */
function readCount(decoder: decoding.Decoder, minBytes: number, what: string): number {
  const count = decoding.readVarUint(decoder);
  if (count * minBytes > decoder.arr.length - decoder.pos) fail(`${what} count ${count} does not fit in the update`);
  return count;
}

function readClock(decoder: decoding.Decoder): number {
  const clock = decoding.readVarUint(decoder);
  if (clock >= MAX_CLOCK) fail(`clock ${clock} out of range`);
  return clock;
}

function readLength(decoder: decoding.Decoder): number {
  const length = decoding.readVarUint(decoder);
  if (length === 0 || length >= MAX_CLOCK) fail(`length ${length} out of range`);
  return length;
}

/** Skips one lib0 `any` value (the encoding of ContentAny / ContentDoc options). Iterative: no deep recursion. */
function skipAny(decoder: decoding.Decoder): void {
  // Open containers: values left to read, and whether each value is preceded by a key (an object).
  const stack: Array<{ left: number; keyed: boolean }> = [{ left: 1, keyed: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.left === 0) {
      stack.pop();
      continue;
    }
    top.left--;
    if (top.keyed) decoding.readVarString(decoder);
    const type = decoding.readUint8(decoder);
    switch (type) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        break;
      case 125: // integer
        decoding.readVarInt(decoder);
        break;
      case 124: // float32
        decoding.readFloat32(decoder);
        break;
      case 123: // float64
        decoding.readFloat64(decoder);
        break;
      case 122: // bigint
        decoding.readBigInt64(decoder);
        break;
      case 119: // string
        decoding.readVarString(decoder);
        break;
      case 118: // object: count × (key, value)
        stack.push({ left: readCount(decoder, 2, 'object entry'), keyed: true });
        break;
      case 117: // array
        stack.push({ left: readCount(decoder, 1, 'array element'), keyed: false });
        break;
      case 116: // Uint8Array
        decoding.readVarUint8Array(decoder);
        break;
      default:
        fail(`unknown any type ${type}`);
    }
  }
}

/** Reads an item's content and returns its length in clock units. */
function readContent(decoder: decoding.Decoder, ref: number): number {
  switch (ref) {
    case 1: // deleted
      return readLength(decoder);
    case 2: {
      // JSON
      const count = readCount(decoder, 1, 'JSON value');
      for (let i = 0; i < count; i++) decoding.readVarString(decoder);
      if (count === 0) fail('empty JSON content');
      return count;
    }
    case 3: // binary
      decoding.readVarUint8Array(decoder);
      return 1;
    case 4: {
      // string: its length in UTF-16 code units, as Yjs counts
      const length = decoding.readVarString(decoder).length;
      if (length === 0) fail('empty string content');
      return length;
    }
    case 5: // embed
      decoding.readVarString(decoder);
      return 1;
    case 6: // format
      decoding.readVarString(decoder);
      decoding.readVarString(decoder);
      return 1;
    case 7: {
      // type
      const typeRef = decoding.readVarUint(decoder);
      if (typeRef > 6) fail(`unknown type ref ${typeRef}`);
      if (typeRef === 3 || typeRef === 5) decoding.readVarString(decoder); // XmlElement name, XmlHook name
      return 1;
    }
    case 8: {
      // any
      const count = readCount(decoder, 1, 'any value');
      for (let i = 0; i < count; i++) skipAny(decoder);
      if (count === 0) fail('empty any content');
      return count;
    }
    case 9: // subdocument: guid, options
      decoding.readVarString(decoder);
      skipAny(decoder);
      return 1;
    default:
      return fail(`unknown content ref ${ref}`);
  }
}

/**
 * Scans `update` (Yjs encoding V1). Throws ProtocolError: 'bad_update' for a
 * malformed update, 'update_budget' when it holds more than `maxWork` structs
 * and delete ranges.
 */
export function scanUpdate(update: Uint8Array, maxWork: number): ScannedUpdate {
  const decoder = decoding.createDecoder(update);
  const clients: ClientRange[] = [];
  const refs: number[] = [];
  const deletes: number[] = [];
  let work = 0;
  const spend = (n: number) => {
    work += n;
    if (work > maxWork) throw new ProtocolError('update_budget', `update holds more than ${maxWork} structs and delete ranges`);
  };
  try {
    const clientCount = readCount(decoder, 3, 'client');
    for (let c = 0; c < clientCount; c++) {
      const structCount = readCount(decoder, 2, 'struct');
      spend(structCount);
      const client = decoding.readVarUint(decoder);
      const start = readClock(decoder);
      const range: ClientRange = { client, start, end: start, gapAt: Infinity, afterGap: Infinity };
      let clock = start;
      for (let s = 0; s < structCount; s++) {
        const info = decoding.readUint8(decoder);
        const ref = info & 0b11111;
        let length: number;
        if (ref === 0) {
          length = readLength(decoder); // GC
        } else if (ref === 10) {
          length = readLength(decoder); // Skip: a gap in this update
          range.gapAt = Math.min(range.gapAt, clock);
        } else {
          const hasOrigin = (info & 0x80) !== 0;
          const hasRightOrigin = (info & 0x40) !== 0;
          if (hasOrigin) refs.push(decoding.readVarUint(decoder), decoding.readVarUint(decoder));
          if (hasRightOrigin) refs.push(decoding.readVarUint(decoder), decoding.readVarUint(decoder));
          if (!hasOrigin && !hasRightOrigin) {
            if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder); // parent: a root type's name
            else refs.push(decoding.readVarUint(decoder), decoding.readVarUint(decoder)); // parent: an item's id
            if ((info & 0x20) !== 0) decoding.readVarString(decoder); // parentSub (a map key)
          }
          length = readContent(decoder, ref);
          if (range.gapAt !== Infinity && range.afterGap === Infinity) range.afterGap = clock;
        }
        clock += length;
        if (clock > MAX_CLOCK) fail(`clock range of client ${client} passes 2^32`);
      }
      range.end = clock;
      if (range.gapAt === Infinity) range.gapAt = clock;
      clients.push(range);
    }
    const deleteClients = readCount(decoder, 2, 'delete set client');
    for (let c = 0; c < deleteClients; c++) {
      const client = decoding.readVarUint(decoder);
      const rangeCount = readCount(decoder, 2, 'delete range');
      spend(rangeCount);
      for (let r = 0; r < rangeCount; r++) {
        const clock = readClock(decoder);
        const end = clock + readLength(decoder);
        if (end > MAX_CLOCK) fail(`delete range of client ${client} passes 2^32`);
        deletes.push(client, clock, end);
      }
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    fail(`does not decode: ${(error as Error).message}`);
  }
  return { work, clients, refs, deletes };
}

/**
 * True when applying `scan` to a document with `stateVector` would leave
 * something pending in Yjs: a struct after a gap, an id it builds on, or a
 * deletion of something the document does not have yet.
 */
/** A client's clock as the room knows it: a decoded state vector, or a live view of the Y.Doc's store. */
export type ClockLookup = Pick<Map<number, number>, 'get'>;

export function missingDependencies(scan: ScannedUpdate, stateVector: ClockLookup): boolean {
  // How far each client's clock will reach once this update is applied.
  const reach = new Map<number, number>();
  for (const range of scan.clients) {
    const have = stateVector.get(range.client) ?? 0;
    if (range.start > have) return true; // a gap before this update's first struct
    if (range.afterGap !== Infinity && range.afterGap > have) return true; // a gap inside it
    reach.set(range.client, Math.max(have, range.end));
  }
  const known = (client: number, clock: number) => clock < (reach.get(client) ?? stateVector.get(client) ?? 0);
  for (let i = 0; i < scan.refs.length; i += 2) {
    if (!known(scan.refs[i], scan.refs[i + 1])) return true;
  }
  for (let i = 0; i < scan.deletes.length; i += 3) {
    const end = scan.deletes[i + 2];
    if (end > 0 && !known(scan.deletes[i], end - 1)) return true;
  }
  return false;
}
