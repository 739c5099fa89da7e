/**
 * Measuring in the 3D view, for planners and citizens: pick distance, area or height, click points on
 * buildings or the ground, read the value. The values of the points placed so far are a polite live
 * region, so a screen reader hears each new value once; the rubber band under the mouse shows only
 * on the map (announcing every mouse move would drown everything else). Every action also has a
 * button, and "add point at the map centre" lets a keyboard user measure without a mouse.
 */
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import type { MeasureToolHandle, MeasureToolState } from '../measure/measureCesiumImpl.ts';
import { canFinish, MEASURE_MODES, MEASURE_OFF, type MeasureMode } from '../measure/measureModel.ts';
import { measureLines } from '../measure/measureText.ts';
import './measure.css';

export interface MeasurePanelProps {
  /** The map's measuring tool; null while the map is not there yet. */
  readonly tool: MeasureToolHandle | null;
  /** Called after the tool was turned off by the panel's close button. */
  readonly onClose: () => void;
}

const OFF: MeasureToolState = { measure: MEASURE_OFF, result: null };
const NO_TOOL = () => () => undefined;

const HINTS: Readonly<Record<MeasureMode, MessageKey>> = {
  distance: 'measure.hint.distance',
  area: 'measure.hint.area',
  height: 'measure.hint.height',
};

export function MeasurePanel({ tool, onClose }: MeasurePanelProps) {
  const translator = useTranslator();
  const titleId = useId();
  const hintId = useId();
  const state = useSyncExternalStore(tool?.subscribe ?? NO_TOOL, () => tool?.getState() ?? OFF);
  const [noSurface, setNoSurface] = useState(false);
  const { mode, points, finished } = state.measure;

  // The map's own clicks come back when the panel goes.
  useEffect(() => () => tool?.setMode(null), [tool]);
  // The map label speaks the panel's language.
  useEffect(() => tool?.refresh(), [tool, translator]);

  const lines = state.result ? measureLines(state.result, translator) : [];
  const close = () => {
    tool?.setMode(null);
    onClose();
  };

  return (
    <section className="measure-panel" aria-labelledby={titleId} data-testid="measure-panel">
      <div className="measure-head">
        <h2 id={titleId} className="panel-heading">
          {translator.t('measure.title')}
        </h2>
        <button
          type="button"
          className="button"
          onClick={close}
          aria-label={translator.t('measure.closeLabel')}
          data-testid="measure-close"
        >
          {translator.t('measure.close')}
        </button>
      </div>
      <div className="measure-modes" role="group" aria-label={translator.t('measure.modes')}>
        {MEASURE_MODES.map((m) => (
          <button
            key={m}
            type="button"
            className="button"
            aria-pressed={mode === m}
            aria-describedby={hintId}
            disabled={!tool}
            onClick={() => {
              setNoSurface(false);
              tool?.setMode(mode === m ? null : m);
            }}
            data-testid={`measure-mode-${m}`}
          >
            {translator.t(`measure.mode.${m}`)}
          </button>
        ))}
      </div>
      <p id={hintId} className="muted measure-hint">
        {mode === null ? translator.t('measure.hint.none') : translator.t(HINTS[mode])}
        {mode !== null && <> {translator.t('measure.hint.keys')}</>}
      </p>
      <div
        className="measure-values"
        role="status"
        aria-live="polite"
        aria-label={translator.t('measure.valuesLabel')}
        data-testid="measure-values"
        data-points={points.length}
        data-finished={finished}
      >
        {mode !== null && points.length === 0 && <p className="muted">{translator.t('measure.empty')}</p>}
        {lines.map((line) => (
          <p key={line} className="measure-value">
            {line}
          </p>
        ))}
        {mode !== null && points.length > 0 && (
          <p className="muted">
            {translator.t('measure.points', { count: points.length })}
            {finished && <> · {translator.t('measure.finished')}</>}
          </p>
        )}
        {noSurface && <p className="muted">{translator.t('measure.noSurface')}</p>}
      </div>
      {mode !== null && tool && (
        <div className="measure-actions">
          <button
            type="button"
            className="button"
            onClick={() => setNoSurface(!tool.addPointAtCentre())}
            data-testid="measure-add-centre"
          >
            {translator.t('measure.addCentre')}
          </button>
          <button
            type="button"
            className="button"
            disabled={!canFinish(state.measure)}
            onClick={() => tool.finish()}
            data-testid="measure-finish"
          >
            {translator.t('measure.finish')}
          </button>
          <button
            type="button"
            className="button"
            disabled={points.length === 0}
            onClick={() => tool.removeLastPoint()}
            data-testid="measure-undo"
          >
            {translator.t('measure.undo')}
          </button>
          <button
            type="button"
            className="button"
            disabled={points.length === 0}
            onClick={() => {
              setNoSurface(false);
              tool.clear();
            }}
            data-testid="measure-clear"
          >
            {translator.t('measure.clear')}
          </button>
        </div>
      )}
    </section>
  );
}
