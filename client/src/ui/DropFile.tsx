/**
 * Shows a file of the user's own on the map: a drop zone and an "open file" button (keyboard: Tab
 * to the button, Enter or Space). GeoJSON, KML and CSV with coordinates are read in a worker
 * (`layers/userFiles/`); problems are said in plain words, naming the file and line. The file stays
 * in this browser: its layer cannot travel in a share link.
 */
import { useId, useRef, useState, type DragEvent } from 'react';
import type { LayerEntryOf } from '../../../protocol/index.ts';
import type { CityFeature } from '../geo/geojson.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { openUserFile } from '../layers/userFiles/openUserFile.ts';
import { UserFileError, type UserFileWarning } from '../layers/userFiles/userFileError.ts';
import './dropFile.css';

export interface DropFileProps {
  /** A file became a layer: add `entry` to the map (its features are also at `entry.url`). */
  onLayer(entry: LayerEntryOf<'geojson'>, features: readonly CityFeature[]): void;
}

type Status =
  | { kind: 'idle' }
  | { kind: 'reading'; file: string }
  | {
      kind: 'loaded';
      file: string;
      count: number;
      reprojectedFrom: string | null;
      warnings: readonly UserFileWarning[];
    }
  | { kind: 'failed'; error: UserFileError };

/** Warnings shown under a loaded file; the rest are in the console. */
const SHOWN_WARNINGS = 3;

export function DropFile({ onLayer }: DropFileProps) {
  const translator = useTranslator();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);

  async function open(files: FileList | null): Promise<void> {
    for (const file of Array.from(files ?? [])) {
      setStatus({ kind: 'reading', file: file.name });
      try {
        const opened = await openUserFile(file);
        for (const warning of opened.warnings)
          console.warn(`[userFile] ${translator.t(warning.key, warning.params)}`);
        onLayer(opened.entry, opened.features);
        setStatus({
          kind: 'loaded',
          file: file.name,
          count: opened.features.length,
          reprojectedFrom: opened.reprojectedFrom,
          warnings: opened.warnings,
        });
      } catch (error) {
        setStatus({
          kind: 'failed',
          error:
            error instanceof UserFileError
              ? error
              : new UserFileError('userFile.error.read', { file: file.name }),
        });
      }
    }
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    void open(event.dataTransfer.files);
  };

  return (
    <div
      className="drop-file"
      data-testid="drop-file"
      data-dragging={dragging}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <p className="drop-file-title">{translator.t('dropFile.title')}</p>
      <p className="muted">{translator.t('dropFile.hint')}</p>
      <input
        ref={input}
        id={inputId}
        className="drop-file-input"
        type="file"
        accept=".geojson,.json,.kml,.csv,.txt,.tsv,application/geo+json,application/vnd.google-earth.kml+xml,text/csv"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="drop-file-input"
        onChange={(event) => {
          void open(event.currentTarget.files);
          // The same file chosen again must still trigger a change.
          event.currentTarget.value = '';
        }}
      />
      <button
        type="button"
        className="button"
        onClick={() => input.current?.click()}
        aria-describedby={`${inputId}-status`}
      >
        {translator.t('dropFile.open')}
      </button>
      <div
        id={`${inputId}-status`}
        role="status"
        aria-live="polite"
        data-testid="drop-file-status"
        data-state={status.kind}
      >
        {status.kind === 'reading' && <p>{translator.t('dropFile.reading', { file: status.file })}</p>}
        {status.kind === 'loaded' && (
          <>
            <p>
              {translator.t('dropFile.loaded', { file: status.file, count: status.count })}
              {status.reprojectedFrom &&
                ` ${translator.t('dropFile.reprojected', { crs: status.reprojectedFrom })}`}
            </p>
            {status.warnings.slice(0, SHOWN_WARNINGS).map((warning, i) => (
              <p key={i} className="muted">
                {translator.t(warning.key, warning.params)}
              </p>
            ))}
            <p className="muted">{translator.t('dropFile.localOnly')}</p>
          </>
        )}
        {status.kind === 'failed' && (
          <p className="drop-file-error" role="alert">
            {translator.t(status.error.key, status.error.params)}
          </p>
        )}
      </div>
    </div>
  );
}
