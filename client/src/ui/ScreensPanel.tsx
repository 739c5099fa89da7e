/**
 * "Fenster und Wände": an operator opens more windows of the town (another overview, a detail window
 * that follows the selected sensor, the city cockpit), which stay in sync with this one, and sends
 * the view of this window (camera, layers, time, selection) to a named wall screen. The walls with
 * screens connected are listed while the panel is open.
 */
import { useEffect, useId, useState } from 'react';
import type { WallPushResult, WallSummary } from '../../../protocol/index.ts';
import { WallNameSchema } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { hrefForWall } from '../windows/windowRole.ts';

export interface ScreensPanelProps {
  /** Opens another window of this town. */
  readonly onOpen: (kind: 'overview' | 'detail' | 'cockpit') => void;
  /** Staff only: the walls of the town, and pushing this window's view to one. */
  readonly walls: {
    readonly load: () => Promise<WallSummary[]>;
    readonly push: (wall: string) => Promise<WallPushResult>;
  } | null;
}

const WALLS_REFRESH_MS = 10_000;
const WALL_KEY = 'citytwin.lastWall';

export function ScreensPanel({ onOpen, walls }: ScreensPanelProps) {
  const translator = useTranslator();
  const [open, setOpen] = useState(false);
  const [known, setKnown] = useState<WallSummary[]>([]);
  const [wall, setWall] = useState(() => {
    try {
      return localStorage.getItem(WALL_KEY) ?? 'leitstand';
    } catch {
      return 'leitstand';
    }
  });
  const [status, setStatus] = useState<{ text: string; problem: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const inputId = useId();

  useEffect(() => {
    if (!open || !walls) return;
    let stopped = false;
    const ask = () =>
      walls.load().then(
        (list) => {
          if (!stopped) setKnown(list);
        },
        () => undefined,
      );
    void ask();
    const timer = setInterval(() => void ask(), WALLS_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [open, walls]);

  const name = wall.trim();
  const valid = WallNameSchema.safeParse(name).success;
  const push = async () => {
    if (!walls) return;
    if (!valid) {
      setStatus({ text: translator.t('screens.noWallName'), problem: true });
      return;
    }
    setBusy(true);
    try {
      const result = await walls.push(name);
      setStatus({
        text: translator.t('screens.pushed', { wall: result.wall, count: result.screens }),
        problem: false,
      });
      try {
        localStorage.setItem(WALL_KEY, name);
      } catch {
        // not kept
      }
      setKnown(await walls.load().catch(() => known));
    } catch (error) {
      setStatus({
        text: translator.t('screens.pushError', { message: (error as Error).message }),
        problem: true,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details
      className="screens-panel health-panel"
      data-testid="screens-panel"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary className="panel-heading">{translator.t('screens.title')}</summary>
      <p className="muted">{translator.t('screens.openHint')}</p>
      <div className="alarm-actions">
        <button
          type="button"
          className="button"
          onClick={() => onOpen('detail')}
          aria-label={translator.t('screens.openDetailLabel')}
          data-testid="open-detail"
        >
          {translator.t('screens.openDetail')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => onOpen('cockpit')}
          aria-label={translator.t('screens.openCockpitLabel')}
          data-testid="open-cockpit"
        >
          {translator.t('screens.openCockpit')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => onOpen('overview')}
          aria-label={translator.t('screens.openOverviewLabel')}
        >
          {translator.t('screens.openOverview')}
        </button>
      </div>
      {walls && (
        <form
          className="screens-wall"
          onSubmit={(event) => {
            event.preventDefault();
            void push();
          }}
        >
          <label htmlFor={inputId}>{translator.t('screens.wall')}</label>
          <input
            id={inputId}
            type="text"
            list={listId}
            value={wall}
            maxLength={40}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={valid ? undefined : true}
            onChange={(event) => setWall(event.currentTarget.value)}
            data-testid="wall-name"
          />
          <datalist id={listId}>
            {known.map((w) => (
              <option key={w.wall} value={w.wall}>
                {translator.t('screens.wallScreens', { wall: w.wall, count: w.screens })}
              </option>
            ))}
          </datalist>
          <button
            type="submit"
            className="button"
            disabled={busy}
            aria-label={translator.t('screens.pushLabel', { wall: name })}
            data-testid="wall-push"
          >
            {translator.t('screens.push')}
          </button>
          {known.length > 0 && (
            <ul className="screens-walls">
              {known.map((w) => (
                <li key={w.wall}>
                  {translator.t('screens.wallScreens', { wall: w.wall, count: w.screens })}
                </li>
              ))}
            </ul>
          )}
          {valid && (
            <p className="muted">
              {translator.t('screens.wallLink')}:{' '}
              <a href={hrefForWall(window.location.href, name)} target="_blank" rel="noreferrer">
                {hrefForWall(window.location.href, name)}
              </a>
            </p>
          )}
          <p className={status?.problem ? 'quality-note' : 'muted'} role="status" data-testid="wall-status">
            {status?.text ?? ''}
          </p>
        </form>
      )}
    </details>
  );
}
