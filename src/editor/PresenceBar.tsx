/** Who is here: your own name and colour (editable), then everyone else. */
import { useState } from 'react';
import type { Peer } from '../collab/usePeers';
import { PRESENCE_COLOURS } from '../collab/presence';
import { MAX_NAME_LENGTH, cleanName, type PresenceUser } from '../protocol/presence';

export function PresenceBar({ me, peers, onChange }: { me: PresenceUser; peers: Peer[]; onChange: (user: PresenceUser) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null) onChange({ ...me, name: cleanName(draft, me.name) });
    setDraft(null);
  };
  const nextColour = PRESENCE_COLOURS[(PRESENCE_COLOURS.indexOf(me.color) + 1) % PRESENCE_COLOURS.length];

  return (
    <div className="presence-bar">
      <div className="me" title="This is you. Others see this name next to your caret.">
        <button
          type="button"
          className="colour-dot"
          data-testid="my-colour"
          style={{ backgroundColor: me.color }}
          aria-label="Change your colour"
          title="Change your colour"
          onClick={() => onChange({ ...me, color: nextColour })}
        />
        <input
          className="my-name"
          data-testid="my-name"
          aria-label="Your name"
          value={draft ?? me.name}
          maxLength={MAX_NAME_LENGTH}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') (event.target as HTMLInputElement).blur();
            if (event.key === 'Escape') setDraft(null);
          }}
        />
        <span className="you-tag">you</span>
      </div>
      <ul className="peers" data-testid="presence" aria-label="Others in this document">
        {peers.map(({ clientId, user }) => (
          <li key={clientId} className="peer" data-testid="peer" data-client-id={clientId}>
            <span className="colour-dot" style={{ backgroundColor: user.color }} aria-hidden />
            <span className="peer-name">{user.name}</span>
            {user.role === 'viewer' && (
              <span className="peer-viewing" data-testid="peer-viewing" title="Can see the document but not edit it">
                viewing
              </span>
            )}
          </li>
        ))}
        {peers.length === 0 && <li className="alone">Only you here so far</li>}
      </ul>
    </div>
  );
}
