/**
 * A big Yjs update as a sequence of small, valid updates.
 *
 * Why: a paste of 15,000 lines or a long offline session makes one update of
 * megabytes. Sent as one frame it blocks the socket for everything else (other
 * edits, presence) while it travels, must fit the relay's frame limit, and is
 * applied and forwarded all at once. Cut at struct boundaries instead, each
 * piece is an ordinary update (sync `update` message): any y-websocket server
 * accepts it, the relay applies, stores, acks and forwards each as it
 * arrives, and the other tabs see the text arrive piece by piece.
 *
 * How: Yjs decodes the update into its structs (`Y.decodeUpdate`) and writes
 * each one back with its own encoder (`struct.write`), so no byte of the
 * update format is written here except the two counts and the clock that
 * frame a run of one client's structs (Yjs' writeStructs does the same).
 * Structs are placed in an order where each comes after the structs it
 * builds on (its left and right origins and its parent), clients
 * interleaved as needed, so every piece builds only on what the receiver
 * already has or on earlier pieces: none is left pending. The update's deletions (its
 * delete set) travel last, as their own piece, once every struct they may
 * refer to has been sent; `Y.diffUpdate` against the update's own state
 * vector gives exactly that piece.
 *
 * A single struct larger than the piece size (e.g. one paragraph of a
 * megabyte with no line break) stays whole: a piece is then as large as it.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Updates up to this size are sent as they are (Concord's tab; see replica.ts). */
export const UPDATE_PIECE_BYTES = 128 * 1024;

type Struct = Y.Item | Y.GC | Y.Skip;

interface Run {
  client: number;
  structs: Struct[];
}

function encodeRuns(runs: readonly Run[]): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, runs.length);
  for (const { client, structs } of runs) {
    encoding.writeVarUint(encoder.restEncoder, structs.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, structs[0].id.clock);
    for (const struct of structs) struct.write(encoder, 0);
  }
  encoding.writeVarUint(encoder.restEncoder, 0); // an empty delete set
  return encoder.toUint8Array();
}

/**
 * Bytes each struct takes in an update, measured with Yjs' own writer into one
 * scratch encoder per split (a new encoder per struct was half of a 1.3 MB
 * split's time).
 */
function structMeasure(): (struct: Struct) => number {
  let scratch = new Y.UpdateEncoderV1();
  return (struct) => {
    if (encoding.length(scratch.restEncoder) > 1 << 20) scratch = new Y.UpdateEncoderV1();
    const before = encoding.length(scratch.restEncoder);
    struct.write(scratch, 0);
    return encoding.length(scratch.restEncoder) - before;
  };
}

/**
 * Splits `update` (encoding V1) into updates of at most about `maxBytes` each
 * that, applied in order, have exactly its effect. An update already small
 * enough is returned as the only piece.
 */
export function splitUpdate(update: Uint8Array, maxBytes = UPDATE_PIECE_BYTES): Uint8Array[] {
  if (update.length <= maxBytes) return [update];
  const { structs } = Y.decodeUpdate(update);

  // Each client's structs in clock order; `next` is how many are already in a piece.
  const queues = new Map<number, Struct[]>();
  const ends = new Map<number, number>(); // client → clock after its last struct: the update's own state vector
  for (const struct of structs) {
    const { client, clock } = struct.id;
    ends.set(client, Math.max(ends.get(client) ?? 0, clock + struct.length));
    if (struct instanceof Y.Skip) continue; // a gap: the receiver has (or will get) those clocks elsewhere
    if (!queues.has(client)) queues.set(client, []);
    queues.get(client)!.push(struct);
  }
  const next = new Map<number, number>([...queues.keys()].map((client) => [client, 0]));

  /** The client whose not-yet-placed struct `id` is, or null if the receiver will have it. */
  const waitingOn = (id: Y.ID | null): number | null => {
    if (id === null) return null;
    const queue = queues.get(id.client);
    const head = queue?.[next.get(id.client)!];
    return head && id.clock >= head.id.clock && id.clock < ends.get(id.client)! ? id.client : null;
  };
  const dependencies = (struct: Struct): Array<Y.ID | null> =>
    struct instanceof Y.Item ? [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null] : [];

  // Fill pieces in an order where every struct comes after what it builds on
  // (its origins and parent), as Yjs' own integration does with a stack.
  const pieces: Uint8Array[] = [];
  let piece = new Map<number, Run>();
  let size = 0;
  const flush = () => {
    if (piece.size > 0) pieces.push(encodeRuns([...piece.values()]));
    piece = new Map();
    size = 0;
  };
  const structBytes = structMeasure();
  const place = (struct: Struct) => {
    const bytes = structBytes(struct);
    const run = piece.get(struct.id.client);
    if ((size > 0 && size + bytes > maxBytes) || (run && endOf(run) !== struct.id.clock)) flush();
    const current = piece.get(struct.id.client);
    if (current) current.structs.push(struct);
    else piece.set(struct.id.client, { client: struct.id.client, structs: [struct] });
    size += bytes;
  };
  // A client's next struct may wait on a client already below it on the stack
  // (their structs interleave causally): then the one below goes first.
  // Valid updates have no cycles; for anything else, `idle` ends the search
  // and the rest goes in clock order (the receiver then holds what it lacks).
  let idle = 0;
  const maxIdle = 2 * queues.size + 2;
  for (let pass = true; pass; ) {
    pass = false;
    for (const start of queues.keys()) {
      const stack = [start];
      while (stack.length > 0 && idle <= maxIdle) {
        const client = stack[stack.length - 1];
        const queue = queues.get(client)!;
        const index = next.get(client)!;
        if (index >= queue.length) {
          stack.pop();
          continue;
        }
        const struct = queue[index];
        const blockers = dependencies(struct)
          .map(waitingOn)
          .filter((other): other is number => other !== null && other !== client);
        const fresh = blockers.find((other) => !stack.includes(other));
        if (fresh !== undefined || blockers.length > 0) {
          idle++;
          if (fresh !== undefined) stack.push(fresh);
          else stack.pop();
          continue;
        }
        place(struct);
        next.set(client, index + 1);
        idle = 0;
        pass = true;
      }
    }
  }
  for (const [client, queue] of queues) for (let i = next.get(client)!; i < queue.length; i++) place(queue[i]);
  flush();
  const deletions = Y.diffUpdate(update, Y.encodeStateVector(ends));
  if (hasDeletions(deletions)) pieces.push(deletions);
  return pieces;
}

function endOf(run: Run): number {
  const last = run.structs[run.structs.length - 1];
  return last.id.clock + last.length;
}

/** True when an update without structs still carries deletions. */
function hasDeletions(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.some((struct) => !(struct instanceof Y.Skip)) || ds.clients.size > 0;
}
