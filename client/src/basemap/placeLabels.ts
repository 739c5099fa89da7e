/**
 * Place names (towns, villages, quarters) as screen-space labels, the pure part: reading
 * `places.json`, how each rank looks and from which distances it shows, and a screen-space
 * declutter. placeLabelsCesiumImpl.ts puts them on the globe.
 *
 * Why not in the tiles: text drawn into imagery smears in oblique views, where Cesium stretches a
 * coarse tile (and its town name) over the distant ground up to the horizon. Screen-space labels
 * keep one size and stay sharp at every tilt.
 */

/** One named place, as `places.json` lists it. */
export interface Place {
  readonly name: string;
  /** 1 city, 2 town, 3 village, 4 quarter. */
  readonly rank: number;
  readonly class: string;
  readonly lonDeg: number;
  readonly latDeg: number;
}

/** How the labels of one rank look and when they show. */
export interface PlaceRankLook {
  readonly fontPx: number;
  readonly weight: number;
  readonly upperCase: boolean;
  /** Shown from this camera distance (metres) ... */
  readonly nearM: number;
  /** ... up to this one. */
  readonly farM: number;
  /** Scale 1 up to `scaleNearM`, easing to `farScale` at `farM`. */
  readonly scaleNearM: number;
  readonly farScale: number;
}

/**
 * By rank (index 0 = rank 1). Camera distances: the district view (about 2-3 km from the town
 * centre) shows quarters and the neighbouring towns; the region view (20-60 km) towns and villages.
 * A town's own name gives way to its quarters up close, as on a printed map.
 */
export const PLACE_RANK_LOOKS: readonly PlaceRankLook[] = [
  {
    fontPx: 19,
    weight: 700,
    upperCase: false,
    nearM: 6_000,
    farM: 400_000,
    scaleNearM: 20_000,
    farScale: 0.75,
  },
  {
    fontPx: 17,
    weight: 700,
    upperCase: false,
    nearM: 3_500,
    farM: 150_000,
    scaleNearM: 10_000,
    farScale: 0.7,
  },
  {
    fontPx: 14,
    weight: 600,
    upperCase: false,
    nearM: 2_500,
    farM: 45_000,
    scaleNearM: 8_000,
    farScale: 0.75,
  },
  { fontPx: 13, weight: 600, upperCase: true, nearM: 0, farM: 7_000, scaleNearM: 1_500, farScale: 0.8 },
];

/** The look of a place's rank (ranks beyond the table take the last entry). */
export function lookOfRank(rank: number): PlaceRankLook {
  const index = Math.min(Math.max(Math.round(rank), 1), PLACE_RANK_LOOKS.length) - 1;
  return PLACE_RANK_LOOKS[index] as PlaceRankLook;
}

/** The text a place shows (quarters in capitals). */
export function placeText(place: Place): string {
  return lookOfRank(place.rank).upperCase ? place.name.toLocaleUpperCase('de-DE') : place.name;
}

/** The label scale at a camera distance: 1 up close, `farScale` at `farM`, linear between. */
export function scaleAtDistance(look: PlaceRankLook, distanceM: number): number {
  if (distanceM <= look.scaleNearM) return 1;
  if (distanceM >= look.farM) return look.farScale;
  const t = (distanceM - look.scaleNearM) / (look.farM - look.scaleNearM);
  return 1 + (look.farScale - 1) * t;
}

/** Average advance of a character in ems of a bold sans-serif. */
const EM_PER_CHARACTER = 0.62;
/** Letter-spacing Cesium does not add: capitals are wider. */
const EM_PER_CAPITAL = 0.72;

/** The estimated size of a label in screen pixels at `scale` (Cesium does not measure for us). */
export function labelSizePx(
  text: string,
  look: PlaceRankLook,
  scale: number,
): { width: number; height: number } {
  const em = look.upperCase ? EM_PER_CAPITAL : EM_PER_CHARACTER;
  return { width: text.length * look.fontPx * em * scale, height: look.fontPx * 1.25 * scale };
}

/** Reads `places.json`; entries that are not places are left out, so one bad entry hides nothing else. */
export function parsePlacesJson(json: unknown): Place[] {
  const list = (json as { places?: unknown } | null)?.places;
  if (!Array.isArray(list)) throw new Error('places.json has no places list');
  const places: Place[] = [];
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { name, rank, class: cls, lon, lat } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') continue;
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat))
      continue;
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90) continue;
    places.push({
      name,
      rank: typeof rank === 'number' && Number.isFinite(rank) ? rank : 4,
      class: typeof cls === 'string' ? cls : 'place',
      lonDeg: lon,
      latDeg: lat,
    });
  }
  return places;
}

/** A label as the declutter sees it: where it is on the screen, now. */
export interface ScreenLabel {
  readonly rank: number;
  /** Camera distance, metres: of two equal ranks the nearer wins. */
  readonly distanceM: number;
  /** Anchor (bottom centre) in window pixels, undefined when behind the camera or the earth. */
  readonly anchorPx: { readonly x: number; readonly y: number } | undefined;
  readonly width: number;
  readonly height: number;
  /** Whether the label would show at all (in its distance range, layer visible). */
  readonly eligible: boolean;
}

/** Free pixels kept around each label. */
const PADDING_PX = 6;

/**
 * Which labels to show so that none overlaps another: bigger places first (lower rank), then the
 * nearer. Greedy, like the build's `placeLabelZooms`; a handful to a few hundred labels per call.
 * Returns one flag per input label, in input order. Labels off the screen take no room.
 */
export function declutterLabels(
  labels: readonly ScreenLabel[],
  viewport: { readonly width: number; readonly height: number },
): boolean[] {
  const shown = labels.map(() => false);
  const order = labels
    .map((label, index) => ({ label, index }))
    .filter(({ label }) => label.eligible && label.anchorPx !== undefined)
    .sort((a, b) => a.label.rank - b.label.rank || a.label.distanceM - b.label.distanceM);
  const taken: { minX: number; minY: number; maxX: number; maxY: number }[] = [];
  for (const { label, index } of order) {
    const anchor = label.anchorPx;
    if (!anchor) continue;
    const box = {
      minX: anchor.x - label.width / 2 - PADDING_PX,
      maxX: anchor.x + label.width / 2 + PADDING_PX,
      minY: anchor.y - label.height - PADDING_PX,
      maxY: anchor.y + PADDING_PX,
    };
    const onScreen = box.maxX > 0 && box.maxY > 0 && box.minX < viewport.width && box.minY < viewport.height;
    if (!onScreen) continue;
    if (taken.some((o) => box.minX < o.maxX && o.minX < box.maxX && box.minY < o.maxY && o.minY < box.maxY))
      continue;
    taken.push(box);
    shown[index] = true;
  }
  return shown;
}
