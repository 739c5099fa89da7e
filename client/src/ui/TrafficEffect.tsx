/**
 * "Verkehr" of a variant: the roads it closes and where their traffic goes (the assignment model of
 * `planning/traffic.ts`), on the map (closed roads red, detours orange, the busiest labelled) and in
 * words. Planners close and reopen roads by clicking them on the map.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber } from '../i18n/format.ts';
import type { RoadSegment } from '../planning/traffic.ts';
import { closureEffect, nearestSegment, roadGraph } from '../planning/traffic.ts';
import type { RoadLine } from '../viewer/scenarioCesiumImpl.ts';

export interface TrafficApi {
  readonly loadRoads: () => Promise<RoadSegment[]>;
  /** Counted vehicles per hour of a segment now, or undefined without a counter. */
  readonly measuredFlow: (segmentId: string) => number | undefined;
  readonly onRoads: (lines: readonly RoadLine[]) => void;
}

export interface TrafficEffectProps {
  readonly api: TrafficApi;
  readonly closedIds: readonly string[];
  /** Planners: closes or reopens a segment in the variant (null: read only). */
  readonly onToggle: ((segmentId: string) => void) | null;
  readonly onPickPoint: ((onPoint: (point: [number, number, number]) => void) => () => void) | null;
}

const LABELLED = 5;

export function TrafficEffect({ api, closedIds, onToggle, onPickPoint }: TrafficEffectProps) {
  const translator = useTranslator();
  const [roads, setRoads] = useState<RoadSegment[] | null>(null);
  const [closing, setClosing] = useState(false);
  const stopPicking = useRef<(() => void) | null>(null);
  useEffect(() => {
    api.loadRoads().then(setRoads, () => setRoads([]));
  }, [api]);
  const graph = useMemo(() => (roads ? roadGraph(roads) : null), [roads]);
  const effect = useMemo(
    () => (graph && closedIds.length > 0 ? closureEffect(graph, closedIds, api.measuredFlow) : null),
    [graph, closedIds, api],
  );
  const number = (value: number) => formatNumber(value, translator.intlLocale, 0);
  const nameOf = (id: string) => graph?.segments.get(id)?.name ?? id;

  // While closing: every click on the map takes the nearest road.
  useEffect(() => {
    if (!closing || !onPickPoint || !onToggle || !graph) return;
    let active = true;
    const arm = () => {
      stopPicking.current = onPickPoint(([lon, lat]) => {
        const id = nearestSegment(graph, [lon, lat]);
        if (id) onToggle(id);
        if (active) arm();
      });
    };
    arm();
    return () => {
      active = false;
      stopPicking.current?.();
      stopPicking.current = null;
    };
  }, [closing, onPickPoint, onToggle, graph]);

  const closedLabel = translator.t('traffic.closedLabel');
  const vehiclesPerHour = translator.t('unit.vehiclesPerHour');
  useEffect(() => {
    if (!graph) return;
    const lines: RoadLine[] = [];
    const busiest = [...(effect?.added.entries() ?? [])].sort((a, b) => b[1] - a[1]);
    const max = busiest[0]?.[1] ?? 1;
    busiest.forEach(([id, flow], rank) => {
      const s = graph.segments.get(id);
      if (!s) return;
      lines.push({
        id,
        coordinates: s.coordinates,
        color: '#ff9f43',
        widthPx: 3 + 7 * (flow / max),
        ...(rank < LABELLED ? { label: `+${number(flow)} ${vehiclesPerHour}` } : {}),
      });
    });
    for (const id of closedIds) {
      const s = graph.segments.get(id);
      if (s) lines.push({ id, coordinates: s.coordinates, color: '#ff3b4e', widthPx: 8, label: closedLabel });
    }
    api.onRoads(lines);
    // `number` changes with the language only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, effect, closedIds, api, closedLabel, vehiclesPerHour]);
  useEffect(() => () => api.onRoads([]), [api]);

  const busiest = [...(effect?.added.entries() ?? [])].sort((a, b) => b[1] - a[1])[0];
  return (
    <section className="traffic-effect" aria-labelledby="traffic-title" data-testid="traffic-effect">
      <h4 id="traffic-title" className="subheading">
        {translator.t('traffic.title')}
      </h4>
      {onToggle && (
        <div className="alarm-actions">
          <button
            type="button"
            className="button"
            aria-pressed={closing}
            disabled={!onPickPoint || !graph}
            onClick={() => setClosing((on) => !on)}
            data-testid="traffic-close"
          >
            {translator.t(closing ? 'traffic.closeActive' : 'traffic.close')}
          </button>
        </div>
      )}
      {closedIds.length === 0 && <p className="muted">{translator.t('traffic.none')}</p>}
      {effect && (
        <>
          <ul className="screens-walls" data-testid="traffic-closures">
            {effect.closures.map((c) => {
              const segment = graph?.segments.get(c.id);
              return (
                <li key={c.id} data-segment-id={c.id}>
                  {translator.t('traffic.closure', {
                    name: nameOf(c.id),
                    flow: number(c.flowVph),
                    source: c.measured
                      ? translator.t('traffic.measured')
                      : translator.t('traffic.typical', { roadClass: segment?.roadClass ?? '' }),
                    detour:
                      c.detour === null
                        ? translator.t('traffic.noDetour')
                        : translator.t('traffic.detour', {
                            count: c.detour.length,
                            extra: number(c.extraSeconds ?? 0),
                          }),
                  })}{' '}
                  {onToggle && (
                    <button
                      type="button"
                      className="button"
                      onClick={() => onToggle(c.id)}
                      aria-label={translator.t('traffic.reopenLabel', { name: nameOf(c.id) })}
                    >
                      {translator.t('traffic.reopen')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {busiest && (
            <p data-testid="traffic-more">
              {translator.t('traffic.more', {
                count: effect.added.size,
                name: nameOf(busiest[0]),
                flow: number(busiest[1]),
              })}
            </p>
          )}
          {effect.cannotDivertVph > 0 && (
            <p className="quality-note">
              {translator.t('traffic.cannotDivert', { flow: number(effect.cannotDivertVph) })}
            </p>
          )}
          <p className="muted">{translator.t('traffic.model')}</p>
        </>
      )}
    </section>
  );
}
