/**
 * A room: one document, its Y.Doc and Awareness, and the sockets editing it.
 *
 * The path of an edit: a sync frame arrives → decoded and applied to the room's
 * Y.Doc once → queued for storage → the same bytes go to every other socket →
 * after the storage commit, each socket that sent updates gets a `saved` ack.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeSaved } from '../../src/protocol/codec';
import { MessageType, SyncStep } from '../../src/protocol/constants';
import { isSeeded, seedUpdate } from '../../src/protocol/seed';
import type { Logger } from '../log';
import type { StoredRoom } from '../storage/storage';
import type { Connection } from './connection';
import { ProtocolError } from './protocolError';

/** Where a room sends its updates to be stored; calls `room.afterCommit()` once they are durable. */
export interface UpdateSink {
  enqueue(room: Room, update: Uint8Array | null): void;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** An encoded Yjs update that carries nothing (no structs, no deletions). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function awarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<Connection>();
  /** Entries in the stored log since the last snapshot. */
  logLength: number;
  /** When the last socket left (for idle unloading); null while anyone is here. */
  idleSince: number | null = Date.now();

  constructor(
    readonly name: string,
    stored: StoredRoom,
    private readonly sink: UpdateSink,
    private readonly log: Logger,
  ) {
    if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    this.logLength = stored.updates.length;
    if (!isSeeded(this.doc)) {
      // New documents are seeded here, never by a client (DESIGN.md §4).
      const seed = seedUpdate();
      Y.applyUpdate(this.doc, seed);
      this.sink.enqueue(this, seed);
    }
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  join(connection: Connection): void {
    this.connections.add(connection);
    this.idleSince = null;
    // Our half of the handshake: the client answers step 1 with what we lack.
    connection.send(syncFrame(SyncStep.step1, Y.encodeStateVector(this.doc)));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      connection.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
  }

  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (connection.awarenessClients.size > 0) {
      // Origin 'leave' (not a connection): onAwarenessUpdate tells the others.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], 'leave');
    }
    if (this.connections.size === 0) this.idleSince = Date.now();
  }

  /** Handles one binary frame from `from`. Throws ProtocolError if it does not decode. */
  receive(from: Connection, frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const type = readVarUint(decoder, 'unknown_type');
    switch (type) {
      case MessageType.sync:
        return this.receiveSync(from, frame, decoder);
      case MessageType.awareness:
        return this.receiveAwareness(from, frame, decoder);
      case MessageType.queryAwareness: {
        const clients = [...this.awareness.getStates().keys()];
        from.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)));
        return;
      }
      default:
        throw new ProtocolError('unknown_type', `unknown message type ${type}`);
    }
  }

  private receiveSync(from: Connection, frame: Uint8Array, decoder: decoding.Decoder): void {
    const step = readVarUint(decoder, 'bad_sync');
    switch (step) {
      case SyncStep.step1: {
        const stateVector = readBytes(decoder, 'bad_sync');
        let diff: Uint8Array;
        try {
          diff = Y.encodeStateAsUpdate(this.doc, stateVector);
        } catch (error) {
          throw new ProtocolError('bad_sync', `unreadable state vector: ${(error as Error).message}`);
        }
        from.send(syncFrame(SyncStep.step2, diff));
        return;
      }
      case SyncStep.step2:
      case SyncStep.update: {
        const update = readBytes(decoder, 'bad_update');
        try {
          Y.applyUpdate(this.doc, update, from);
        } catch (error) {
          throw new ProtocolError('bad_update', `update does not apply: ${(error as Error).message}`);
        }
        from.updateFramesReceived++;
        if (isEmptyUpdate(update)) {
          this.sink.enqueue(this, null); // nothing to store, but the sender still gets its ack
          return;
        }
        this.sink.enqueue(this, update);
        // Forward the same bytes. A step 2 goes out as an update: a peer must not
        // mistake someone else's step 2 for the end of its own handshake.
        const forward = step === SyncStep.update ? frame : relabelAsUpdate(frame);
        for (const connection of this.connections) {
          if (connection !== from) connection.send(forward);
        }
        return;
      }
      default:
        throw new ProtocolError('bad_sync', `unknown sync step ${step}`);
    }
  }

  private receiveAwareness(from: Connection, frame: Uint8Array, decoder: decoding.Decoder): void {
    const update = readBytes(decoder, 'bad_awareness');
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, from);
    } catch (error) {
      throw new ProtocolError('bad_awareness', `awareness update does not apply: ${(error as Error).message}`);
    }
    // Everyone gets it, the sender included: for a client alone in a room this
    // echo is the traffic that keeps y-websocket's 30 s silence timeout away.
    for (const connection of this.connections) connection.send(frame);
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
    if (origin && typeof origin === 'object' && 'awarenessClients' in origin) {
      const owner = origin as Connection;
      for (const id of [...added, ...updated]) owner.awarenessClients.add(id);
      for (const id of removed) owner.awarenessClients.delete(id);
      return; // the frame itself was already forwarded
    }
    // Removals the relay made itself (a socket left, a state timed out).
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0 || this.connections.size === 0) return;
    const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const connection of this.connections) connection.send(frame);
  };

  /** Called by storage once every update queued so far is committed: ack the senders. */
  afterCommit(appended: number): void {
    this.logLength += appended;
    let stateVector: Uint8Array | null = null;
    for (const connection of this.connections) {
      if (!connection.wantsAcks || connection.updateFramesAcked >= connection.updateFramesReceived) continue;
      stateVector ??= Y.encodeStateVector(this.doc);
      connection.updateFramesAcked = connection.updateFramesReceived;
      connection.send(encodeSaved(connection.updateFramesAcked, stateVector));
    }
  }

  /** The whole document as one update, for compaction. */
  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.log.debug({ room: this.name }, 'room unloaded');
  }
}

function readVarUint(decoder: decoding.Decoder, kind: ProtocolError['kind']): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError(kind, 'truncated varint');
  }
}

function readBytes(decoder: decoding.Decoder, kind: ProtocolError['kind']): Uint8Array {
  try {
    const bytes = decoding.readVarUint8Array(decoder);
    // lib0 does not bound a length prefix by the frame; the frame is its own buffer, so check here.
    if (bytes.length === 0 || decoder.pos > decoder.arr.length) throw new Error('out of bounds');
    return bytes;
  } catch {
    throw new ProtocolError(kind, 'truncated or missing payload');
  }
}

/** A copy of a sync step 2 frame with its step byte set to `update` (both are single-byte varuints). */
function relabelAsUpdate(frame: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(frame);
  copy[1] = SyncStep.update;
  return copy;
}
