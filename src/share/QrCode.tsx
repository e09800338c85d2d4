/**
 * A QR code drawn as crisp SVG squares, from the `qrcode` library's encoder
 * (error correction M, a 4-module quiet zone as the standard asks), so it
 * stays sharp at any size: on a phone, or projected for the back of a room.
 */
import { useMemo } from 'react';
import QRCode from 'qrcode';

const QUIET_ZONE = 4;

export function QrCode({ text, size, testId = 'share-qr', label }: { text: string; size: number; testId?: string; label?: string }) {
  const path = useMemo(() => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.get(row, col)) d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
      }
    }
    return { d, cells: modules.size + 2 * QUIET_ZONE };
  }, [text]);
  return (
    <svg
      className="qr-code"
      data-testid={testId}
      data-text={text}
      role="img"
      aria-label={label ?? `QR code of ${text}`}
      width={size}
      height={size}
      viewBox={`0 0 ${path.cells} ${path.cells}`}
      shapeRendering="crispEdges"
    >
      <rect width={path.cells} height={path.cells} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}
