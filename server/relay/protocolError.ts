import type { DecodeErrorKind } from '../metrics';

/** A frame that cannot be decoded or applied. The connection closes with 4400; the room carries on. */
export class ProtocolError extends Error {
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
