/**
 * The document page's Share button: the link to this document at an address
 * others can reach (the LAN address on a classroom network, or PUBLIC_URL),
 * with a copy button and a QR code. On a protected document, whoever holds the
 * edit key sees both the edit and the view link (the relay hands them out
 * again: GET /api/docs/<room>/links); a view-key holder sees the view link.
 */
import { useEffect, useState } from 'react';
import { KEY_QUERY_PARAM, Paths } from '../protocol/constants';
import { CopyField } from './CopyField';
import { QrCode } from './QrCode';
import { usePublicLink } from './publicLink';
import './share.css';

interface Links {
  protected: boolean;
  editUrl: string | null;
  viewUrl: string | null;
}

function useShareLinks(room: string, key: string | null, open: boolean): Links | null {
  const [links, setLinks] = useState<Links | null>(null);
  useEffect(() => {
    if (!open) return;
    let current = true;
    const query = key ? `?${KEY_QUERY_PARAM}=${encodeURIComponent(key)}` : '';
    fetch(`/api/docs/${room}/links${query}`, { cache: 'no-store' })
      .then((response) => (response.ok ? (response.json() as Promise<Links>) : null))
      .catch(() => null)
      .then((answer) => current && setLinks(answer ?? { protected: key !== null, editUrl: key ? null : Paths.document(room), viewUrl: null }));
    return () => {
      current = false;
    };
  }, [room, key, open]);
  return links;
}

export function ShareButton({ room, shareKey }: { room: string; shareKey: string | null }) {
  const [open, setOpen] = useState(false);
  const [which, setWhich] = useState<'edit' | 'view'>('edit');
  const { origin } = usePublicLink();
  const links = useShareLinks(room, shareKey, open);
  const edit = links?.editUrl ? `${origin}${links.editUrl}` : null;
  const view = links?.viewUrl ? `${origin}${links.viewUrl}` : null;
  const shown = (which === 'view' ? view : edit) ?? edit ?? view;

  useEffect(() => {
    if (!open) return;
    const close = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);

  return (
    <div className="share">
      <button type="button" className="share-button" data-testid="share-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Share
      </button>
      {open && (
        <div className="share-panel" data-testid="share-panel" role="dialog" aria-label="Share this document">
          {!links ? (
            <p className="muted">Asking the relay for the links…</p>
          ) : (
            <>
              {links.protected ? (
                <>
                  {edit && <CopyField label="Edit link (can change the document)" value={edit} testId="share-edit-link" copyTestId="copy-share-edit-link" />}
                  {view && <CopyField label="View link (read along only)" value={view} testId="share-view-link" copyTestId="copy-share-view-link" />}
                  {edit && view && (
                    <fieldset className="qr-choice">
                      <legend>QR code of the</legend>
                      <label>
                        <input type="radio" name="qr-link" checked={which === 'edit'} onChange={() => setWhich('edit')} /> edit link
                      </label>
                      <label>
                        <input type="radio" name="qr-link" checked={which === 'view'} onChange={() => setWhich('view')} /> view link
                      </label>
                    </fieldset>
                  )}
                </>
              ) : (
                <CopyField label="Anyone with this link can edit" value={edit ?? ''} testId="share-link" copyTestId="copy-share-link" />
              )}
              {shown && <QrCode text={shown} size={220} />}
            </>
          )}
        </div>
      )}
    </div>
  );
}
