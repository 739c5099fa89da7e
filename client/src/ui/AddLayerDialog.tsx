/**
 * "Add a layer by URL": a modal dialog (native <dialog>: focus stays inside, Escape closes, focus
 * returns to the opener) where the user pastes the address of a WMS, WMTS or OGC API Features
 * service, picks one of its layers from a filterable list of radio buttons and adds it. The model is
 * `ogc/addLayer.ts`; this component only shows it. The browser asks the service directly, so a
 * refusal by the town's CSP is recognised (the browser reports it) and explained in plain words.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { LayerEntry } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import {
  AddLayerError,
  entryForLayer,
  filterLayers,
  readService,
  type ServiceKind,
  type ServiceOffer,
} from '../ogc/addLayer.ts';

export interface AddLayerDialogProps {
  readonly fetchFn: FetchLike;
  /** Ids already in the catalogue: the new entry gets another. */
  readonly takenIds?: ReadonlySet<string>;
  readonly onAdd: (entry: LayerEntry) => void;
  readonly onClose: () => void;
}

type Status =
  | { readonly state: 'idle' }
  | { readonly state: 'reading' }
  | { readonly state: 'error'; readonly key: MessageKey; readonly params: Record<string, string> }
  | { readonly state: 'offer'; readonly offer: ServiceOffer };

const KINDS: readonly { value: ServiceKind | 'auto'; key: MessageKey }[] = [
  { value: 'auto', key: 'ogc.add.kindAuto' },
  { value: 'wms', key: 'ogc.add.kindWms' },
  { value: 'wmts', key: 'ogc.add.kindWmts' },
  { value: 'ogcapi-features', key: 'ogc.add.kindOgcApi' },
];

/** Shown at most, after filtering: a long list is narrowed by the filter, not scrolled through. */
const MAX_LISTED = 200;

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function AddLayerDialog({ fetchFn, takenIds, onAdd, onClose }: AddLayerDialogProps) {
  const translator = useTranslator();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<AbortController | null>(null);
  const [url, setUrl] = useState('');
  const [kind, setKind] = useState<ServiceKind | 'auto'>('auto');
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const ids = {
    title: useId(),
    intro: useId(),
    url: useId(),
    kind: useId(),
    filter: useId(),
    status: useId(),
  };

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    urlRef.current?.focus();
    return () => abortRef.current?.abort();
  }, []);

  const offer = status.state === 'offer' ? status.offer : null;
  const shown = useMemo(() => (offer ? filterLayers(offer.layers, filter) : []), [offer, filter]);

  const read = async (event: FormEvent) => {
    event.preventDefault();
    abortRef.current?.abort();
    const abort = new AbortController();
    abortRef.current = abort;
    setStatus({ state: 'reading' });
    setChosen(null);
    setFilter('');
    // The browser tells the page when its CSP refused a request; a plain network error says nothing.
    let blocked: string | null = null;
    const onViolation = (e: SecurityPolicyViolationEvent) => {
      if (e.blockedURI && originOf(e.blockedURI) === originOf(url.trim())) blocked = originOf(e.blockedURI);
    };
    document.addEventListener('securitypolicyviolation', onViolation);
    try {
      const result = await readService(url, kind, fetchFn, abort.signal);
      if (!abort.signal.aborted) setStatus({ state: 'offer', offer: result });
    } catch (error) {
      if (abort.signal.aborted) return;
      const reason = error instanceof AddLayerError ? error.reason : 'not-service';
      const detail = error instanceof Error ? error.message : String(error);
      // The violation event may come just after the failed fetch: give it one turn of the loop.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (reason === 'unreachable' && blocked !== null) {
        setStatus({ state: 'error', key: 'ogc.error.blocked', params: { origin: blocked } });
      } else {
        setStatus({ state: 'error', key: `ogc.error.${reason}`, params: { detail } });
      }
    } finally {
      document.removeEventListener('securitypolicyviolation', onViolation);
    }
  };

  const add = () => {
    if (!offer || chosen === null) return;
    onAdd(entryForLayer(offer, chosen, takenIds ?? new Set()));
    dialogRef.current?.close();
  };

  return (
    <dialog
      ref={dialogRef}
      className="add-layer-dialog"
      aria-labelledby={ids.title}
      aria-describedby={ids.intro}
      onClose={onClose}
      data-testid="add-layer-dialog"
    >
      <h2 id={ids.title}>{translator.t('ogc.add.title')}</h2>
      <p id={ids.intro}>{translator.t('ogc.add.intro')}</p>
      <form onSubmit={(e) => void read(e)}>
        <label htmlFor={ids.url}>{translator.t('ogc.add.urlLabel')}</label>
        <input
          id={ids.url}
          ref={urlRef}
          type="url"
          required
          inputMode="url"
          autoComplete="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          data-testid="add-layer-url"
        />
        <label htmlFor={ids.kind}>{translator.t('ogc.add.kindLabel')}</label>
        <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as ServiceKind | 'auto')}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {translator.t(k.key)}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className="button"
          disabled={status.state === 'reading'}
          data-testid="add-layer-read"
        >
          {translator.t('ogc.add.read')}
        </button>
      </form>

      <div id={ids.status} aria-live="polite">
        {status.state === 'reading' && <p>{translator.t('ogc.add.reading')}</p>}
        {offer && <p>{translator.t('ogc.add.service', { service: offer.serviceTitle })}</p>}
      </div>
      {status.state === 'error' && (
        <p role="alert" className="add-layer-error" data-testid="add-layer-error">
          {translator.t(status.key, status.params)}
        </p>
      )}

      {offer && (
        <>
          <label htmlFor={ids.filter}>{translator.t('ogc.add.filterLabel')}</label>
          <input
            id={ids.filter}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-describedby={`${ids.filter}-count`}
            data-testid="add-layer-filter"
          />
          <p id={`${ids.filter}-count`} aria-live="polite">
            {translator.t('ogc.add.count', {
              shown: String(shown.length),
              total: String(offer.layers.length),
            })}
          </p>
          <fieldset className="add-layer-list">
            <legend>{translator.t('ogc.add.layersLabel')}</legend>
            {shown.length === 0 && <p>{translator.t('ogc.add.noMatch')}</p>}
            {shown.slice(0, MAX_LISTED).map((layer) => {
              const id = `${ids.filter}-${layer.id}`;
              return (
                <div key={layer.id} className="add-layer-option">
                  <input
                    type="radio"
                    id={id}
                    name={`${ids.filter}-layer`}
                    value={layer.id}
                    checked={chosen === layer.id}
                    disabled={layer.notDrawable !== null}
                    onChange={() => setChosen(layer.id)}
                    aria-describedby={layer.notDrawable ? `${id}-why` : undefined}
                    data-testid={`add-layer-option-${layer.id}`}
                  />
                  <label htmlFor={id}>
                    {layer.title}
                    {layer.title !== layer.id && <span className="add-layer-id"> ({layer.id})</span>}
                  </label>
                  {layer.notDrawable && (
                    <p id={`${id}-why`} className="add-layer-why">
                      {translator.t('ogc.add.notDrawable', { reason: layer.notDrawable })}
                    </p>
                  )}
                </div>
              );
            })}
          </fieldset>
        </>
      )}

      <div className="add-layer-actions">
        <button
          type="button"
          className="button"
          disabled={chosen === null}
          onClick={add}
          data-testid="add-layer-add"
        >
          {translator.t('ogc.add.add')}
        </button>
        <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
          {translator.t('ogc.add.close')}
        </button>
      </div>
    </dialog>
  );
}
