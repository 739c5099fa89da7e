/**
 * The basemap's place names as Cesium screen-space labels: one LabelCollection from the pack's
 * `places.json` (written by the basemap build beside `basemap.json`), each label on the ground,
 * sized and shown by rank and camera distance (placeLabels.ts), never hidden by hills, and thinned
 * on the screen so no two overlap. The tiles carry no place names any more (text in imagery smears
 * in oblique views).
 */
import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  NearFarScalar,
  SceneTransforms,
  VerticalOrigin,
} from 'cesium';
import type { Label, Viewer } from 'cesium';
import type { BasemapStyleId } from './basemapStyles.ts';
import { BASEMAP_STYLES } from './basemapStyles.ts';
import type { FetchFn } from './basemapTileSource.ts';
import type { Place, ScreenLabel } from './placeLabels.ts';
import {
  declutterLabels,
  labelSizePx,
  lookOfRank,
  parsePlacesJson,
  placeText,
  scaleAtDistance,
} from './placeLabels.ts';

/** The place names on the map. */
export interface PlaceLabels {
  /** Recolours the names for the basemap's style. */
  setStyle(style: BasemapStyleId): void;
  setVisible(visible: boolean): void;
  /** How many names show now (after the declutter). */
  shownCount(): number;
  /** Removes the names and stops listening to the camera; safe to call twice. */
  destroy(): void;
}

/** Halo width in pixels around each name. */
const HALO_WIDTH_PX = 3;
/** Least time between two refreshes while globe tiles load, milliseconds. */
const TILE_REFRESH_INTERVAL_MS = 300;
/** Height changes smaller than this (metres) do not move a label. */
const HEIGHT_TOLERANCE_M = 1;

interface Entry {
  readonly place: Place;
  readonly label: Label;
  readonly text: string;
  heightM: number;
}

function placeColours(style: BasemapStyleId, place: Place): { fill: Color; halo: Color } {
  const colours = BASEMAP_STYLES[style].places;
  return {
    fill: Color.fromCssColorString(lookOfRank(place.rank).upperCase ? colours.quarterColor : colours.color),
    halo: Color.fromCssColorString(colours.halo),
  };
}

/**
 * Loads `<basemapUrl>/places.json` and shows its places as labels in `viewer`'s scene. Rejects when
 * the file is missing or broken (the map then has no place names; the rest works). The app renders
 * on request, so every change calls `requestRender`.
 */
export async function createPlaceLabels(
  viewer: Viewer,
  basemapUrl: string,
  style: BasemapStyleId,
  requestRender: () => void,
  fetchFn: FetchFn = (url) => globalThis.fetch(url),
): Promise<PlaceLabels> {
  const url = `${basemapUrl.replace(/\/+$/, '')}/places.json`;
  const response = await fetchFn(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const places = parsePlacesJson(await response.json());

  const { scene } = viewer;
  const collection = new LabelCollection();
  // Both styles share one font family; only the colours follow the style.
  const fontFamily = BASEMAP_STYLES[style].fontFamily;
  const entries: Entry[] = places.map((place) => {
    const look = lookOfRank(place.rank);
    const { fill, halo } = placeColours(style, place);
    const text = placeText(place);
    const label = collection.add({
      text,
      position: Cartesian3.fromDegrees(place.lonDeg, place.latDeg, 0),
      font: `${look.weight} ${look.fontPx}px ${fontFamily}`,
      fillColor: fill,
      outlineColor: halo,
      outlineWidth: HALO_WIDTH_PX,
      style: LabelStyle.FILL_AND_OUTLINE,
      horizontalOrigin: HorizontalOrigin.CENTER,
      verticalOrigin: VerticalOrigin.BOTTOM,
      // The name stands just above its place.
      pixelOffset: new Cartesian2(0, -2),
      distanceDisplayCondition: new DistanceDisplayCondition(look.nearM, look.farM),
      scaleByDistance: new NearFarScalar(look.scaleNearM, 1, look.farM, look.farScale),
      // Hills and buildings never cut a name: it names a place, not a point on a surface.
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      show: false,
    });
    return { place, label, text, heightM: 0 };
  });
  scene.primitives.add(collection);

  let visible = true;
  let destroyed = false;
  let shown = 0;
  const scratchCartographic = new Cartographic();
  const scratchNormal = new Cartesian3();
  const scratchToCamera = new Cartesian3();

  /**
   * Puts each label on the ground as far as the terrain loaded so far knows it (coarse tiles first,
   * finer ones as they arrive). True when a label moved.
   */
  function updateHeights(): boolean {
    let moved = false;
    for (const entry of entries) {
      Cartographic.fromDegrees(entry.place.lonDeg, entry.place.latDeg, 0, scratchCartographic);
      const heightM = scene.globe.getHeight(scratchCartographic);
      if (heightM === undefined || Math.abs(heightM - entry.heightM) < HEIGHT_TOLERANCE_M) continue;
      entry.heightM = heightM;
      entry.label.position = Cartesian3.fromDegrees(entry.place.lonDeg, entry.place.latDeg, heightM);
      moved = true;
    }
    return moved;
  }

  /** Shows the names that fit on the screen now, bigger places first. */
  function declutter(): void {
    if (destroyed) return;
    let changed = updateHeights();
    const camera = scene.camera;
    const ellipsoid = scene.globe.ellipsoid;
    /** In front of the horizon: the camera is above the ground's tangent plane at the place. */
    const facesCamera = (position: Cartesian3): boolean => {
      const normal = ellipsoid.geodeticSurfaceNormal(position, scratchNormal);
      const toCamera = Cartesian3.subtract(camera.positionWC, position, scratchToCamera);
      return Cartesian3.dot(normal, toCamera) > 0;
    };
    const screen: ScreenLabel[] = entries.map(({ place, label, text }) => {
      const look = lookOfRank(place.rank);
      const distanceM = Cartesian3.distance(camera.positionWC, label.position);
      const eligible =
        visible && distanceM >= look.nearM && distanceM <= look.farM && facesCamera(label.position);
      const anchor = eligible ? SceneTransforms.worldToWindowCoordinates(scene, label.position) : undefined;
      const size = labelSizePx(text, look, scaleAtDistance(look, distanceM));
      return {
        rank: place.rank,
        distanceM,
        anchorPx: anchor ? { x: anchor.x, y: anchor.y } : undefined,
        width: size.width,
        height: size.height,
        eligible,
      };
    });
    const flags = declutterLabels(screen, {
      width: scene.canvas.clientWidth,
      height: scene.canvas.clientHeight,
    });
    shown = 0;
    entries.forEach(({ label }, index) => {
      const show = flags[index] === true;
      if (show) shown += 1;
      if (label.show !== show) {
        label.show = show;
        changed = true;
      }
    });
    if (changed) requestRender();
  }

  // While the camera moves the names keep their last choice and move with the ground; each time
  // it rests (or the terrain under them finishes loading) they are placed again.
  const removeMoveEnd = scene.camera.moveEnd.addEventListener(declutter);
  const removeChanged = scene.camera.changed.addEventListener(declutter);
  // Terrain keeps arriving after the camera rests (slowly on a busy machine): follow it while it
  // loads, a few times a second at most, and once more when it is all in.
  let lastTileRefreshMs = Number.NEGATIVE_INFINITY;
  const removeTiles = scene.globe.tileLoadProgressEvent.addEventListener((queued: number) => {
    const nowMs = performance.now();
    if (queued !== 0 && nowMs - lastTileRefreshMs < TILE_REFRESH_INTERVAL_MS) return;
    lastTileRefreshMs = nowMs;
    declutter();
  });
  declutter();
  requestRender();

  return {
    setStyle(next) {
      if (destroyed) return;
      for (const { place, label } of entries) {
        const { fill, halo } = placeColours(next, place);
        label.fillColor = fill;
        label.outlineColor = halo;
      }
      requestRender();
    },
    setVisible(next) {
      if (destroyed || visible === next) return;
      visible = next;
      collection.show = next;
      declutter();
      requestRender();
    },
    shownCount: () => shown,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      removeMoveEnd();
      removeChanged();
      removeTiles();
      // Removing a primitive from the scene destroys it.
      if (!scene.isDestroyed()) scene.primitives.remove(collection);
      requestRender();
    },
  };
}
