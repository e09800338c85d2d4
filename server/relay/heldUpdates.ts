/**
 * Updates that build on structs the room does not have yet (rule H3). They are
 * not handed to Yjs, where they would sit "pending" and cost work on every
 * later update: each waits on its own socket, oldest first, and is applied as
 * soon as what it builds on arrives, from any socket or another relay.
 *
 * Honest clients do send such updates: y-websocket sends a local edit as soon
 * as the socket opens, which can be before its sync step 2 carrying the
 * offline edits that edit builds on. So waiting is bounded, not refused: at
 * most `maxPendingUpdates` per socket and `pendingUpdateTimeoutMs`; past
 * either the socket is closed with 4503 (transient) and the client resends
 * them after reconnecting. A held update is neither stored nor acked: acks
 * stop before it (`Connection.unstoredFrom`).
 */
import { Role } from '../../src/protocol/constants';
import type { RelayLimits } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Connection, HeldUpdate } from './connection';
import { ProtocolError, closeFor, closeOffender } from './protocolError';
import { missingDependencies, type ClockLookup } from './updateScan';

export class HeldUpdates {
  constructor(
    /** The room's sockets: each holds its own updates (`Connection.held`). */
    private readonly connections: ReadonlySet<Connection>,
    /** The room's document clocks: what it has. */
    private readonly clocks: ClockLookup,
    private readonly limits: Pick<RelayLimits, 'maxPendingUpdates' | 'pendingUpdateTimeoutMs'>,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Makes `held` wait on `from`'s socket. Throws ProtocolError (4503) past `maxPendingUpdates`. */
  hold(from: Connection, held: HeldUpdate): void {
    if ((from.held?.length ?? 0) >= this.limits.maxPendingUpdates) {
      throw new ProtocolError(
        'missing_deps',
        `more than ${this.limits.maxPendingUpdates} updates wait for structs the relay does not have`,
      );
    }
    (from.held ??= []).push(held); // allocated for the first held update only: most sockets never hold one
    from.unstoredFrom ??= from.updateFramesReceived;
    this.metrics.updatesHeld.inc();
    from.heldTimer ??= setTimeout(() => {
      from.heldTimer = null;
      if (!from.held?.length) return;
      closeOffender(
        from,
        new ProtocolError('missing_deps', `updates waited ${this.limits.pendingUpdateTimeoutMs} ms for structs that never came`),
        this.metrics,
        this.log,
      );
    }, this.limits.pendingUpdateTimeoutMs);
    from.heldTimer.unref();
  }

  /** True when any socket of the room has an update waiting. */
  any(): boolean {
    for (const connection of this.connections) if (connection.held?.length) return true;
    return false;
  }

  /**
   * Applies, through `apply`, every held update whose dependencies have
   * arrived, until none can go. An update that fails closes its own socket,
   * not the one whose frame released it.
   */
  release(apply: (from: Connection, held: HeldUpdate) => void): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const connection of this.connections) {
        const waiting = connection.held;
        if (!waiting) continue;
        for (let i = 0; i < waiting.length; i++) {
          const held = waiting[i];
          if (missingDependencies(held.scan, this.clocks)) continue;
          waiting.splice(i--, 1);
          try {
            apply(connection, held);
            progress = true;
          } catch (error) {
            waiting.length = 0;
            closeFor(connection, error, this.metrics, this.log);
            break;
          }
        }
        if (waiting.length > 0) continue;
        connection.held = null;
        if (connection.unstoredFrom !== null && connection.role === Role.editor) {
          connection.unstoredFrom = null; // everything it sent is now queued for storage, in the next commit
          if (connection.heldTimer) clearTimeout(connection.heldTimer);
          connection.heldTimer = null;
        }
      }
    }
  }

  /** A socket left: what it held was never stored or acked, and its client resends it in its next sync step 2. */
  drop(connection: Connection): void {
    connection.held = null;
    if (connection.heldTimer) clearTimeout(connection.heldTimer);
  }
}
