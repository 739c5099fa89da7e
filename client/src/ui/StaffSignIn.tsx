/**
 * Staff sign-in in the header: an operator enters the access key the server's config gave the
 * control room. The key stays in this tab only (session storage) and goes to the server in the
 * Socket.io handshake; the server's hello says whom it was given to.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LiveStore } from '../live/liveStore.ts';

const STORAGE_KEY = 'citytwin.accessKey';

/** The access key of this tab, if someone signed in. */
export function storedAccessKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps (or with undefined forgets) the access key of this tab. */
export function storeAccessKey(key: string | undefined): void {
  try {
    if (key === undefined) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage blocked: the key lasts as long as the page.
  }
}

export interface StaffSignInProps {
  /** The live store: its hello says whom the server knows this console as. */
  readonly store: LiveStore;
  readonly signedIn: boolean;
  readonly onSignIn: (key: string) => void;
  readonly onSignOut: () => void;
}

export function StaffSignIn({ store, signedIn, onSignIn, onSignOut }: StaffSignInProps) {
  const translator = useTranslator();
  const staffId = useSyncExternalStore(store.subscribe, () => store.getSnapshot().hello?.staffId ?? null);
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  if (signedIn)
    return (
      <div className="staff-status" data-testid="staff-status">
        {staffId && <span>{translator.t('staff.signedIn', { id: staffId })}</span>}
        <button type="button" className="button" onClick={onSignOut} data-testid="staff-sign-out">
          {translator.t('staff.signOut')}
        </button>
      </div>
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return;
    setOpen(false);
    setKey('');
    onSignIn(trimmed);
  };

  return (
    <div className="staff-sign-in">
      <button
        type="button"
        className="button"
        aria-label={translator.t('staff.signInLabel')}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="staff-sign-in"
      >
        {translator.t('staff.signIn')}
      </button>
      {open && (
        <form
          className="staff-dialog"
          role="dialog"
          aria-labelledby={titleId}
          onSubmit={submit}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setOpen(false);
          }}
        >
          <h2 id={titleId} className="subheading">
            {translator.t('staff.dialogTitle')}
          </h2>
          <label>
            <span>{translator.t('staff.key')}</span>
            <input
              ref={inputRef}
              type="password"
              autoComplete="current-password"
              value={key}
              onChange={(event) => setKey(event.currentTarget.value)}
              data-testid="staff-key"
            />
          </label>
          <div className="staff-dialog-buttons">
            <button type="submit" className="button" data-testid="staff-submit">
              {translator.t('staff.submit')}
            </button>
            <button type="button" className="button" onClick={() => setOpen(false)}>
              {translator.t('staff.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
