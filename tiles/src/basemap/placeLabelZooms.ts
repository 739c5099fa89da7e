/**
 * Which place names show at which zoom, decided once for the whole map rather than per tile: a
 * tile sees only its own corner of the world, so two neighbours deciding on their own could each
 * keep a different one of two crowded names and cut both at their common edge. Greedy, biggest
 * place first (rank, then name), on estimated label boxes in world pixels of 256-pixel tiles.
 */
import type { BasemapFeature } from './basemapSources.ts';

/** Font size in pixels by rank, as the viewer's styles draw place names (about). */
const SIZE_PX_BY_RANK = [17, 15, 12.5, 12];
/** Average advance of a character in ems of the label font (bold sans-serif). */
const EM_PER_CHARACTER = 0.62;
/** Free space kept around each name, pixels. */
const PADDING_PX = 4;

interface Box {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

function worldPixels(lonDeg: number, latDeg: number, zoom: number): [number, number] {
  const size = 256 * 2 ** zoom;
  const phi = (latDeg * Math.PI) / 180;
  return [
    ((lonDeg + 180) / 360) * size,
    ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * size,
  ];
}

/** The estimated box of a place's name (with its dot, which sits below the text) at `zoom`. */
export function placeLabelBox(name: string, rank: number, lonDeg: number, latDeg: number, zoom: number): Box {
  const sizePx = SIZE_PX_BY_RANK[Math.min(Math.max(rank, 1), SIZE_PX_BY_RANK.length) - 1] ?? 12;
  const label = rank >= 4 ? name.toUpperCase() : name;
  const halfWidth = (label.length * sizePx * EM_PER_CHARACTER) / 2 + PADDING_PX;
  const [x, y] = worldPixels(lonDeg, latDeg, zoom);
  return {
    minX: x - halfWidth,
    maxX: x + halfWidth,
    minY: y - sizePx * 1.5 - PADDING_PX,
    maxY: y + sizePx * 0.6 + PADDING_PX,
  };
}

function overlap(a: Box, b: Box): boolean {
  return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
}

/**
 * For each place feature (points of the `places` layer), a bit mask of the zooms in
 * `[minZoom, maxZoom]` at which its name has room: bit `z` set means shown at zoom `z`.
 */
export function placeLabelZooms(
  places: readonly BasemapFeature[],
  minZoom: number,
  maxZoom: number,
): Map<BasemapFeature, number> {
  const masks = new Map<BasemapFeature, number>();
  const ordered = places
    .filter((place) => place.geometry.type === 'Point' && typeof place.properties.name === 'string')
    .map((place) => ({ place, rank: typeof place.properties.rank === 'number' ? place.properties.rank : 99 }))
    .sort(
      (a, b) =>
        a.rank - b.rank || String(a.place.properties.name).localeCompare(String(b.place.properties.name)),
    );
  for (let zoom = minZoom; zoom <= maxZoom; zoom++) {
    const taken: Box[] = [];
    for (const { place, rank } of ordered) {
      if (place.minZoom > zoom || place.geometry.type !== 'Point') continue;
      const [lon, lat] = place.geometry.coordinates;
      const box = placeLabelBox(String(place.properties.name), rank, lon, lat, zoom);
      if (taken.some((other) => overlap(box, other))) continue;
      taken.push(box);
      masks.set(place, (masks.get(place) ?? 0) | (1 << zoom));
    }
  }
  return masks;
}
