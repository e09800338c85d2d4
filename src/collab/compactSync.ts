/**
 * Compact sync, the tab's half (docs/PROTOCOL.md, "Compact sync"). The tab
 * opens its socket with `?sync=v2z`; the relay then answers the tab's sync
 * step 1 (the document on open, or what the tab lacks after a reconnect) with
 * a Yjs V2 update compressed with raw deflate: a fifth to a quarter of the V1
 * bytes. Nothing else on the socket changes: updates both ways, acks and
 * awareness stay V1, so a big paste still goes out in V1 pieces
 * (piecewiseSending.ts) and stock y-websocket clients, which do not ask, get V1.
 */
import * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { COMPACT_SYNC, MessageType, SYNC_QUERY_PARAM, SyncStep } from '../protocol/constants';

type MessageHandler = (encoder: encoding.Encoder, decoder: decoding.Decoder, provider: WebsocketProvider, emitSynced: boolean, messageType: number) => void;

/** The query parameter with which a tab asks for compact sync. */
export const COMPACT_SYNC_PARAMS: Readonly<Record<string, string>> = { [SYNC_QUERY_PARAM]: COMPACT_SYNC };

/** The V2 update inside a compact step 2 payload (raw deflate, RFC 1951). */
export async function inflateCompactSync(payload: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([payload as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Makes the provider read sync step 2 frames as compact (call only for a
 * provider whose URL asks for it, after any other wrapping of its sync
 * handler). Decompressing is asynchronous: the step 2 is applied, and the
 * provider marked synced, when it is done; live updates that arrive meanwhile
 * are applied at once, and Yjs keeps what builds on the step 2 pending until then.
 */
export function readCompactSync(provider: WebsocketProvider, onError: (error: unknown) => void = console.error): void {
  const handlers = provider.messageHandlers as MessageHandler[];
  const handleSync = handlers[MessageType.sync];
  handlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    if (decoding.peekVarUint(decoder) !== SyncStep.step2) return handleSync(encoder, decoder, p, emitSynced, messageType);
    decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    const socket = provider.ws;
    inflateCompactSync(payload).then(
      (update) => {
        Y.applyUpdateV2(provider.doc, update, provider);
        // Synced only if this is still the socket that asked (a reconnect asks again).
        if (emitSynced && provider.ws === socket && !provider.synced) provider.synced = true;
      },
      (error: unknown) => {
        onError(error);
        if (provider.ws === socket) socket?.close(); // reconnect: the next step 2 is asked for again
      },
    );
  };
}
