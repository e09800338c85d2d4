import { describe, expect, it } from 'vitest';
import { CloseCode, closeCodeIsPermanent, closeCodeReason, isValidRoomId, newRoomId } from './constants';

describe('room ids', () => {
  it('new room ids are valid, 16 characters, and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => newRoomId()));
    expect(ids.size).toBe(1_000);
    for (const id of ids) {
      expect(id).toHaveLength(16);
      expect(isValidRoomId(id)).toBe(true);
    }
  });

  it.each(['', 'a b', 'a/b', 'x'.repeat(65), 'é'])('refuses %j', (room) => {
    expect(isValidRoomId(room)).toBe(false);
  });
});

describe('close codes (docs/PROTOCOL.md, rule R13)', () => {
  /** y-websocket 3.x's default: it stops reconnecting after 4400–4499 only. */
  const yWebsocketStops = (code: number) => code >= 4400 && code < 4500;

  it('permanent: 1009, 4400, 4409; transient: 1000, 1001, 1011, 4503', () => {
    const permanent = Object.values(CloseCode).filter(closeCodeIsPermanent).sort();
    expect(permanent).toEqual([CloseCode.tooBig, CloseCode.malformed, CloseCode.reservedClientId]);
  });

  it('a code we call transient is one y-websocket reconnects after (honest clients are never shut out)', () => {
    for (const code of Object.values(CloseCode)) {
      if (!closeCodeIsPermanent(code)) expect(yWebsocketStops(code), String(code)).toBe(false);
    }
  });

  it('every code has a reason; unknown codes follow y-websocket’s convention', () => {
    for (const code of Object.values(CloseCode)) expect(closeCodeReason(code).length).toBeGreaterThan(10);
    expect(closeCodeIsPermanent(4450)).toBe(true);
    expect(closeCodeIsPermanent(4550)).toBe(false);
    expect(closeCodeIsPermanent(1006)).toBe(false);
    expect(closeCodeReason(4450)).toContain('4450');
  });
});
