/**
 * Links for others to open: the relay knows the address students can reach
 * (PUBLIC_URL, or its LAN address when it listens on 0.0.0.0; GET
 * /api/public-origin), which is not always the one this browser used.
 */
import { useEffect, useState } from 'react';
import { ClassroomPaths, type PublicLink } from '../protocol/classroom';

let cached: Promise<PublicLink> | null = null;

export function fetchPublicLink(): Promise<PublicLink> {
  cached ??= fetch(ClassroomPaths.publicOrigin, { cache: 'no-store' })
    .then((response) => {
      if (!response.ok) throw new Error(`relay answered ${response.status}`);
      return response.json() as Promise<PublicLink>;
    })
    .catch(() => {
      cached = null; // offline: this page's own origin, and ask again next time
      return { origin: window.location.origin, source: 'loopback', warning: null } satisfies PublicLink;
    });
  return cached;
}

/** The public origin, or this page's until the relay has answered. */
export function usePublicLink(): PublicLink {
  const [link, setLink] = useState<PublicLink>({ origin: window.location.origin, source: 'loopback', warning: null });
  useEffect(() => {
    let current = true;
    void fetchPublicLink().then((answer) => current && setLink(answer));
    return () => {
      current = false;
    };
  }, []);
  return link;
}

/** Copies `text`; true if the clipboard took it (it needs a secure context or a user gesture). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // A classroom LAN is plain http: no async clipboard there. The old way still works on a click.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    area.remove();
    return copied;
  }
}
