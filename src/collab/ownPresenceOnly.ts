/**
 * The tab sends its own presence, not everyone's.
 *
 * y-websocket's provider sends an awareness update for every client whose state
 * changed, whoever changed it: each peer's caret move that reaches this tab goes
 * straight back to the relay. In a class of 30 that is ~120 frames a second per
 * tab for nothing (the relay drops them: server/relay/presence.ts). Here the
 * provider's handler is replaced by one that sends only this tab's client.
 */
import * as encoding from 'lib0/encoding';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { MessageType } from '../protocol/constants';

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export function sendOwnPresenceOnly(provider: WebsocketProvider): void {
  const { awareness } = provider;
  awareness.off('update', provider._awarenessUpdateHandler);
  // Kept on the provider under the same name so provider.destroy() removes it.
  provider._awarenessUpdateHandler = ({ added, updated, removed }: AwarenessChange) => {
    const own = awareness.clientID;
    if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return;
    const ws = provider.ws;
    if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return; // the provider sends this tab's state itself when it (re)connects
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [own]));
    ws.send(encoding.toUint8Array(encoder));
  };
  awareness.on('update', provider._awarenessUpdateHandler);
}
