/**
 * Cesium binding of the buildings layer: loads the city's 3D Tiles tileset and hands it to the
 * feature colour registry (neutral grey or a "colour by" style, garages coloured by the parking
 * layer, the selected building highlighted). For the planning swipe it draws the tileset twice: left
 * of the split without the buildings the left variant removes, right of it without the right one's.
 */
import {
  Cesium3DTileColorBlendMode,
  Cesium3DTileset,
  SplitDirection,
  type Cesium3DTileFeature,
  type Color,
} from 'cesium';
import { cesiumColor } from '../../../viewer/cesiumColor.ts';
import type { BaseColorOf } from '../../../viewer/featureColorRegistry.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { TileStreamingProbe } from '../../../perfProbe.ts';
import type { TileSettings } from '../../../viewer/viewerProfile.ts';
import {
  BUILDING_HIGHLIGHT_CSS,
  BUILDING_PROPERTIES,
  buildingColorCss,
  type BuildingColorMode,
  type BuildingProperties,
} from './buildingsLayer.ts';

/** Reads the metadata the viewer uses from a building feature (absent columns stay undefined). */
export function buildingPropertiesOf(feature: Cesium3DTileFeature): BuildingProperties {
  const properties: Partial<Record<(typeof BUILDING_PROPERTIES)[number], unknown>> = {};
  for (const name of BUILDING_PROPERTIES) properties[name] = feature.getProperty(name);
  return properties;
}

const baseColorOfMode = new Map<BuildingColorMode, BaseColorOf>();

/**
 * The per-feature base colour for `mode`, or null for the neutral colour. The same function comes
 * back for the same mode, so setting it again does not recolour every feature.
 */
export function buildingBaseColorOf(mode: BuildingColorMode): BaseColorOf | null {
  if (mode === 'none') return null;
  let baseColorOf = baseColorOfMode.get(mode);
  if (!baseColorOf) {
    baseColorOf = (feature) => cesiumColor(buildingColorCss(mode, buildingPropertiesOf(feature)));
    baseColorOfMode.set(mode, baseColorOf);
  }
  return baseColorOf;
}

/** The colour of the selected building, as a Cesium colour. */
export function buildingHighlightColor(): Color {
  return cesiumColor(BUILDING_HIGHLIGHT_CSS);
}

/** The buildings binding, with a promise for the first complete view of the tileset. */
export interface BuildingsCesiumImpl extends LayerImplementation {
  /** Resolves when the tiles of the first view have loaded (used for `__citytwin.ready`). */
  readonly initialTilesLoaded: Promise<void>;
  /**
   * The compare swipe: the buildings each side removes, hidden on that side of the split only (a
   * second copy of the tileset draws the right side); null ends it.
   */
  compareSides(
    sides: { readonly left: readonly string[]; readonly right: readonly string[] } | null,
  ): Promise<void>;
}

/**
 * Counts the tileset's streaming into `probe`; plain counters bumped from Cesium's own events, so
 * the cost is a few additions per loaded tile. Returns the function that stops counting.
 */
function countStreaming(tileset: Cesium3DTileset, probe: TileStreamingProbe): () => void {
  const stops = [
    tileset.tileLoad.addEventListener(() => {
      probe.loaded += 1;
    }),
    tileset.tileFailed.addEventListener(() => {
      probe.failed += 1;
    }),
    tileset.tileUnload.addEventListener(() => {
      probe.unloaded += 1;
    }),
    tileset.loadProgress.addEventListener((pendingRequests: number, processing: number) => {
      probe.pendingRequests = pendingRequests;
      probe.processing = processing;
    }),
    tileset.allTilesLoaded.addEventListener(() => {
      probe.allLoadedCount += 1;
      probe.lastAllLoadedAtMs = performance.now();
      probe.contentBytes = tileset.totalMemoryUsageInBytes;
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

/**
 * Creates the binding for a tileset at `url` (relative to the server root), streamed with `settings`
 * (the viewer profile's); `streamingProbe`, when given, counts its tile loads (`__citytwin.tiles`).
 */
export function createBuildingsCesiumImpl(
  context: CesiumLayerContext,
  url: string,
  settings: TileSettings,
  streamingProbe?: TileStreamingProbe,
): BuildingsCesiumImpl {
  let tileset: Cesium3DTileset | null = null;
  let detach: (() => void) | null = null;
  let destroyed = false;
  /** The swipe's right side: the same tiles, drawn right of the split once its first tiles are in. */
  let twin: { tileset: Cesium3DTileset; detach: () => void; ready: boolean } | null = null;
  let twinLoading: Promise<Cesium3DTileset | null> | null = null;
  /** The sides of the latest call (null: not comparing). */
  let wanted: { readonly left: readonly string[]; readonly right: readonly string[] } | null = null;
  const open = (): Promise<Cesium3DTileset> =>
    Cesium3DTileset.fromUrl(url, {
      ...settings,
      // The viewer renders on demand: a request skipped while the camera moved would only be sent
      // with the next frame, and after a flight ends no frame may come. Request at once instead.
      cullRequestsWhileMoving: false,
    });
  /** The twin as it is now (after an await, not as it was before). */
  const twinNow = () => twin;
  const dropTwin = () => {
    if (!twin) return;
    twin.detach();
    context.viewer.scene.primitives.remove(twin.tileset);
    twin = null;
  };
  /**
   * Splits the tiles as `wanted` says: each side without its removed buildings once the right
   * side's copy is ready; until then one copy on both sides without the buildings both remove.
   */
  const applySides = () => {
    const main = tileset;
    if (!main) return;
    if (!wanted) {
      main.splitDirection = SplitDirection.NONE;
      context.featureColors.setHiddenOn(main, null);
      dropTwin();
    } else if (twin?.ready) {
      main.splitDirection = SplitDirection.LEFT;
      context.featureColors.setHiddenOn(main, wanted.left);
      context.featureColors.setHiddenOn(twin.tileset, wanted.right);
    } else {
      const right = new Set(wanted.right);
      main.splitDirection = SplitDirection.NONE;
      context.featureColors.setHiddenOn(
        main,
        wanted.left.filter((id) => right.has(id)),
      );
      if (twin) context.featureColors.setHiddenOn(twin.tileset, wanted.right);
    }
    context.requestRender();
  };
  let resolveInitial: () => void = () => undefined;
  const initialTilesLoaded = new Promise<void>((resolve) => {
    resolveInitial = resolve;
  });

  return {
    initialTilesLoaded,
    async load() {
      const loaded = await open();
      if (destroyed) {
        loaded.destroy();
        return;
      }
      // REPLACE: the feature colour is the building colour, whatever the glTF material says.
      loaded.colorBlendMode = Cesium3DTileColorBlendMode.REPLACE;
      loaded.show = false;
      loaded.initialTilesLoaded.addEventListener(() => resolveInitial());
      loaded.allTilesLoaded.addEventListener(() => resolveInitial());
      const detachColors = context.featureColors.attach(loaded);
      const stopCounting = streamingProbe ? countStreaming(loaded, streamingProbe) : undefined;
      detach = () => {
        stopCounting?.();
        detachColors();
      };
      context.viewer.scene.primitives.add(loaded);
      tileset = loaded;
    },
    async compareSides(sides) {
      wanted = sides;
      applySides();
      if (!sides || twin || !tileset) return;
      twinLoading ??= open().catch(() => null);
      const loaded = await twinLoading;
      twinLoading = null;
      // Another call of the same load may have installed it meanwhile.
      if (!loaded || loaded.isDestroyed() || twinNow()?.tileset === loaded) return;
      // Ended (or the layer gone) while it loaded: not needed any more.
      if (destroyed || !wanted || !tileset) {
        loaded.destroy();
        return;
      }
      loaded.colorBlendMode = Cesium3DTileColorBlendMode.REPLACE;
      loaded.splitDirection = SplitDirection.RIGHT;
      loaded.show = tileset.show;
      loaded.shadows = tileset.shadows;
      const installed = { tileset: loaded, detach: context.featureColors.attach(loaded), ready: false };
      twin = installed;
      // Until its first tiles are there, the first copy keeps drawing both sides.
      const ready = () => {
        if (twin !== installed || installed.ready) return;
        installed.ready = true;
        applySides();
      };
      loaded.initialTilesLoaded.addEventListener(ready);
      loaded.allTilesLoaded.addEventListener(ready);
      context.viewer.scene.primitives.add(loaded);
      applySides();
    },
    setVisible(visible) {
      if (twin) twin.tileset.show = visible;
      if (!tileset) return;
      tileset.show = visible;
      // A hidden tileset never completes its first view; readiness must not wait for it.
      if (!visible) resolveInitial();
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      dropTwin();
      detach?.();
      if (tileset) context.viewer.scene.primitives.remove(tileset);
      tileset = null;
      resolveInitial();
      context.requestRender();
    },
  };
}
