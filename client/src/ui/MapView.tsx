/**
 * The 3D map area. Loads the Cesium part of the app lazily (its own chunk), creates the viewer once
 * the city is known and destroys it on unmount.
 */
import { useEffect, useRef, useState } from 'react';
import type { I18nStore } from '../i18n/i18nStore.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { CityRuntime } from '../cityRuntime.ts';
import type { ViewRectangleDeg } from '../live/viewport.ts';
import type { CityTwinProbe } from '../perfProbe.ts';
import type { CityViewer, MapPick } from '../viewer/cityViewer.ts';
import type { FeatureInfoAnswer } from '../ogc/featureInfoAt.ts';
import { TILE_SETTINGS, type ViewerProfile } from '../viewer/viewerProfile.ts';

/** Props of {@link MapView}. */
export interface MapViewProps {
  readonly runtime: CityRuntime;
  readonly i18n: I18nStore;
  readonly probe: CityTwinProbe;
  /** Who the viewer runs for; sets the buildings' streaming. */
  readonly profile: ViewerProfile;
  /** Receives the viewer once created, and null when it is gone. */
  readonly onViewer: (viewer: CityViewer | null) => void;
  /** Receives what a click in the map hit. */
  readonly onPick: (pick: MapPick | null) => void;
  /** The basemap to start with (a link's). */
  readonly basemapId?: string | null | undefined;
  /** What a click on a drawn feature or a WMS layer found ('asking' while services are asked). */
  readonly onFeatureInfo?: ((answer: FeatureInfoAnswer | 'asking' | null) => void) | undefined;
  /** The ground rectangle the camera sees whenever it comes to rest. */
  readonly onViewChanged?: ((view: ViewRectangleDeg | null) => void) | undefined;
}

/** The map; shows a short status while Cesium loads or when it fails to start. */
export function MapView({
  runtime,
  i18n,
  probe,
  profile,
  basemapId,
  onViewer,
  onPick,
  onViewChanged,
  onFeatureInfo,
}: MapViewProps) {
  const translator = useTranslator();
  const containerRef = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<
    { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; message: string }
  >({
    kind: 'loading',
  });
  // Callbacks are read through refs, so a new function from the parent does not recreate the viewer.
  const callbacks = useRef({ onViewer, onPick, onViewChanged, onFeatureInfo });
  // The basemap at creation; later choices go to the viewer directly.
  const firstBasemap = useRef(basemapId);
  useEffect(() => {
    callbacks.current = { onViewer, onPick, onViewChanged, onFeatureInfo };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let cancelled = false;
    let viewer: CityViewer | null = null;
    import('../viewer/cityViewer.ts')
      .then(({ createCityViewer }) => {
        if (cancelled) return;
        viewer = createCityViewer({
          container,
          info: runtime.info,
          sensors: runtime.sensors,
          layers: runtime.layers,
          live: runtime.live,
          i18n,
          subscribeTick: runtime.subscribeTick,
          probe,
          tileSettings: TILE_SETTINGS[profile],
          basemapId: firstBasemap.current,
          onPick: (pick) => callbacks.current.onPick(pick),
          onViewChanged: (view) => callbacks.current.onViewChanged?.(view),
          onFeatureInfo: (answer) => callbacks.current.onFeatureInfo?.(answer),
        });
        setStatus({ kind: 'ready' });
        callbacks.current.onViewer(viewer);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        console.error('[map] the 3D view failed to start', error);
        setStatus({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
      callbacks.current.onViewer(null);
      viewer?.destroy();
    };
  }, [runtime, i18n, probe, profile]);

  return (
    <section className="map" aria-label={translator.t('app.mapLabel')}>
      <div className="map-canvas" ref={containerRef} />
      {status.kind === 'loading' && (
        <p className="map-status" role="status">
          {translator.t('app.viewerLoading')}
        </p>
      )}
      {status.kind === 'error' && (
        <p className="map-status map-error" role="alert">
          {translator.t('app.viewerError', { message: status.message })}
        </p>
      )}
    </section>
  );
}
