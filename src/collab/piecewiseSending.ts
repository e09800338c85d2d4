/**
 * Makes the tab's y-websocket provider send a big change as several small
 * updates instead of one frame of megabytes (src/protocol/updatePieces.ts says
 * why and how they are cut).
 *
 * Two places send document changes:
 * - a local edit: the provider's `update` listener sends it as one `update`
 *   message. A paste of 15,000 lines is one transaction of 1.3 MB;
 * - the answer to the relay's sync step 1 on every (re)connect: everything the
 *   relay lacks, as one `step 2` message — a whole offline backlog.
 * Both are replaced here by the same thing when the change is bigger than
 * UPDATE_PIECE_BYTES: its pieces, each sent as an ordinary `update` message,
 * except that the answer to a step 1 sends its last piece as the `step 2`
 * (the relay treats step 2 and update alike: apply, store, ack, forward).
 * Smaller changes go exactly as before.
 */
import * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { encodeSyncStep2, encodeUpdate } from '../protocol/codec';
import { MessageType, SyncStep } from '../protocol/constants';
import { splitUpdate, UPDATE_PIECE_BYTES } from '../protocol/updatePieces';

type MessageHandler = (encoder: encoding.Encoder, decoder: decoding.Decoder, provider: WebsocketProvider, emitSynced: boolean, messageType: number) => void;

export function sendBigChangesInPieces(provider: WebsocketProvider, pieceBytes = UPDATE_PIECE_BYTES): void {
  const { doc } = provider;
  const send = (frame: Uint8Array) => {
    const ws = provider.ws;
    if (provider.wsconnected && ws && ws.readyState === ws.OPEN) ws.send(frame);
  };

  // Local edits. The provider's own listener is replaced in place (destroy() removes it by this name).
  doc.off('update', provider._updateHandler);
  provider._updateHandler = (update: Uint8Array, origin: unknown) => {
    if (origin === provider) return; // came from the relay
    for (const piece of splitUpdate(update, pieceBytes)) send(encodeUpdate(piece));
  };
  doc.on('update', provider._updateHandler);

  // The answer to the relay's sync step 1.
  const handlers = provider.messageHandlers as MessageHandler[];
  const handleSync = handlers[MessageType.sync];
  handlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    if (decoding.peekVarUint(decoder) !== SyncStep.step1) return handleSync(encoder, decoder, p, emitSynced, messageType);
    decoding.readVarUint(decoder);
    const missing = Y.encodeStateAsUpdate(doc, decoding.readVarUint8Array(decoder));
    // The last piece goes as the step 2: the save tracker counts every edit made
    // offline as carried by that frame, which the relay acks after all before it.
    const pieces = splitUpdate(missing, pieceBytes);
    pieces.forEach((piece, i) => send(i === pieces.length - 1 ? encodeSyncStep2(piece) : encodeUpdate(piece)));
  };
}
