/**
 * "Link teilen": copies a link to exactly this view (camera, map, layers, time, selection, scenario,
 * language). Where the browser does not allow copying (a page served over plain http on the town's
 * network), the link is shown selected for copying by hand.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';

export interface ShareButtonProps {
  /** The link of the view as it is now. */
  readonly href: () => string;
}

export function ShareButton({ href }: ShareButtonProps) {
  const translator = useTranslator();
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; href: string }
  >({
    kind: 'idle',
  });
  const fieldRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (state.kind === 'manual') fieldRef.current?.select();
    if (state.kind !== 'copied') return;
    const timer = setTimeout(() => setState({ kind: 'idle' }), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  const share = () => {
    const link = href();
    if (!navigator.clipboard || !window.isSecureContext) {
      setState({ kind: 'manual', href: link });
      return;
    }
    navigator.clipboard.writeText(link).then(
      () => setState({ kind: 'copied' }),
      () => setState({ kind: 'manual', href: link }),
    );
  };

  return (
    <div className="share">
      <button
        type="button"
        className="button"
        onClick={share}
        aria-label={translator.t('share.label')}
        data-testid="share-button"
      >
        {translator.t('share.button')}
      </button>
      <span role="status" className="share-status">
        {state.kind === 'copied' ? translator.t('share.copied') : ''}
      </span>
      {state.kind === 'manual' && (
        <div className="share-manual">
          <label htmlFor="share-link">{translator.t('share.copyManually')}</label>
          <input id="share-link" ref={fieldRef} readOnly value={state.href} data-testid="share-link" />
          <button type="button" className="button" onClick={() => setState({ kind: 'idle' })}>
            {translator.t('share.close')}
          </button>
        </div>
      )}
    </div>
  );
}
