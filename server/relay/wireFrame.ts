/**
 * A binary WebSocket message as it goes on the wire from a server (RFC 6455
 * §5.2): FIN, opcode 2, no mask, no extension bits, then the payload.
 *
 * Built once for a frame that goes to many sockets (`broadcast` in
 * connection.ts): ws frames every `send` anew (an options object or two, a
 * header buffer, a Buffer view of the payload, two writes), and with ten
 * readers in a room that per-socket work was most of what the relay's main
 * thread allocated per update (bench/fanout.ts; sampling heap profile).
 * Written only to sockets that negotiated no extension: with one, ws frames
 * the message itself.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  // Payload length: 7 bits, or 126 then 16 bits, or 127 then 64 bits (big-endian).
  const header = length < 126 ? 2 : length < 0x1_0000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82; // FIN | binary
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(payload, header);
  return frame;
}
