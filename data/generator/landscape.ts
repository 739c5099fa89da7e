/**
 * What a map of the demo district needs besides its streets and houses: water (the Schwippe and the
 * two lakes), green (the parks), forest (the Schönbuch in the south and the woods around), the
 * railway with its station, place names (the district's quarters and the real neighbouring towns)
 * and the main roads of the region (A 81, A 8, B 464, …) so a map zoomed out to the region shows
 * something. Written to `landscape.geojson`, one `layer` property per feature.
 *
 * The district's own parts follow its street plan; everything outside the district is drawn along
 * real places at their real WGS84 positions, roughly, and routed around the district so nothing
 * crosses a house. Synthetic like the rest of the pack. Pure and deterministic: the same seed gives
 * the same features.
 */
import type { Position } from '../../protocol/packFeatures.ts';
import { CENTRE_LON_LAT } from './districtPlan.ts';
import type { District } from './districtPlan.ts';
import { add, boxOf, centroid, createLocalProjection, lengthM, normalize, scale, sub } from './geometry.ts';
import type { BoxM, LocalPointM, LocalProjection, LocalRingM } from './geometry.ts';
import { createPrng, deriveSeed } from './prng.ts';
import type { Prng } from './prng.ts';
import { buildStreetNetwork } from './streetNetwork.ts';
import type { StreetNetwork } from './streetNetwork.ts';

/** The file the landscape is written to, beside the pack's other files. */
export const LANDSCAPE_FILE = 'landscape.geojson';

/** The map layers a landscape feature belongs to (the basemap's layer names). */
export const LANDSCAPE_LAYERS = ['water', 'green', 'forest', 'rail', 'roads', 'places'] as const;
/** One of {@link LANDSCAPE_LAYERS}. */
export type LandscapeLayer = (typeof LANDSCAPE_LAYERS)[number];

/** Road classes of the regional roads (the basemap's `class` values). */
export type RegionalRoadClass = 'motorway' | 'primary' | 'secondary';

/** Properties of a landscape feature. */
export interface LandscapeProperties {
  /** Unique within the file, e.g. `water-oberer-see`. */
  id: string;
  layer: LandscapeLayer;
  name?: string;
  /**
   * water: `lake` | `river`; green: `park` | `meadow`; forest: `forest`; rail: `rail` | `station`;
   * roads: a {@link RegionalRoadClass}; places: `city` | `town` | `village` | `quarter`.
   */
  class: string;
  /** Road number, e.g. `A 81`. */
  ref?: string;
  /** Places: 1 (city) to 4 (quarter of the district); lower ranks show from further out. */
  rank?: number;
}

/** A landscape feature: a polygon, a line or a point. */
export interface LandscapeFeature {
  type: 'Feature';
  id: string;
  properties: LandscapeProperties;
  geometry:
    | { type: 'Polygon'; coordinates: Position[][] }
    | { type: 'LineString'; coordinates: Position[] }
    | { type: 'Point'; coordinates: Position };
}

/** The landscape as one feature collection. */
export interface LandscapeCollection {
  type: 'FeatureCollection';
  /** Says on every copy of the file that it is made up. */
  synthetic: true;
  features: LandscapeFeature[];
}

type LonLat = readonly [lonDeg: number, latDeg: number];

/**
 * Towns around Böblingen at their real positions (town centres, WGS84), ranked for region zoom:
 * 1 the state capital, 2 towns, 3 villages.
 */
export const NEIGHBOUR_PLACES: readonly { name: string; lonLat: LonLat; rank: 1 | 2 | 3 }[] = [
  { name: 'Stuttgart', lonLat: [9.1829, 48.7758], rank: 1 },
  { name: 'Sindelfingen', lonLat: [9.0028, 48.7133], rank: 2 },
  { name: 'Herrenberg', lonLat: [8.8708, 48.5956], rank: 2 },
  { name: 'Leonberg', lonLat: [9.0147, 48.8008], rank: 2 },
  { name: 'Calw', lonLat: [8.7403, 48.7144], rank: 2 },
  { name: 'Tübingen', lonLat: [9.0576, 48.5216], rank: 2 },
  { name: 'Leinfelden-Echterdingen', lonLat: [9.1428, 48.6928], rank: 2 },
  { name: 'Holzgerlingen', lonLat: [9.0117, 48.6394], rank: 3 },
  { name: 'Ehningen', lonLat: [8.9417, 48.6586], rank: 3 },
  { name: 'Schönaich', lonLat: [9.0636, 48.6581], rank: 3 },
  { name: 'Waldenbuch', lonLat: [9.1314, 48.6378], rank: 3 },
  { name: 'Magstadt', lonLat: [8.9656, 48.7439], rank: 3 },
  { name: 'Gärtringen', lonLat: [8.9008, 48.6406], rank: 3 },
  { name: 'Renningen', lonLat: [8.935, 48.765], rank: 3 },
  { name: 'Weil im Schönbuch', lonLat: [9.0647, 48.6272], rank: 3 },
  { name: 'Hildrizhausen', lonLat: [8.9672, 48.6264], rank: 3 },
  { name: 'Dettenhausen', lonLat: [9.101, 48.608], rank: 3 },
];

/** The district's quarters by the cell that carries their name (see `districtOfCell`). */
const QUARTERS: readonly { name: string; district: District; cell: readonly [number, number] }[] = [
  { name: 'Hulb', district: 'hulb', cell: [1, 3] },
  { name: 'Altstadt', district: 'altstadt', cell: [7, 5] },
  { name: 'Unterstadt', district: 'bahnhof', cell: [9, 5] },
  { name: 'Flugfeld', district: 'flugfeld', cell: [12, 6] },
  { name: 'Diezenhalde', district: 'diezenhalde', cell: [12, 1] },
  { name: 'Rauher Kapf', district: 'north', cell: [5, 11] },
  { name: 'Galgenberg', district: 'west', cell: [3, 8] },
  { name: 'Waldburg', district: 'south', cell: [6, 2] },
];

/** A regional road: WGS84 way points; `fromDistrict` links its first point to the nearest road end. */
interface RegionalRoadPlan {
  slug: string;
  name: string;
  ref?: string;
  roadClass: RegionalRoadClass;
  fromDistrict?: boolean;
  way: readonly LonLat[];
}

/**
 * The region's main roads, roughly along their real course. The A 81 really runs between Böblingen
 * and Sindelfingen; here it bends around the synthetic district east and south of it.
 */
const REGIONAL_ROADS: readonly RegionalRoadPlan[] = [
  {
    slug: 'a81',
    name: 'A 81',
    ref: 'A 81',
    roadClass: 'motorway',
    way: [
      [9.033, 48.7935],
      [9.075, 48.758],
      [9.102, 48.719],
      [9.056, 48.7055],
      [9.042, 48.6925],
      [9.025, 48.674],
      [8.995, 48.67],
      [8.955, 48.652],
      [8.915, 48.635],
      [8.89, 48.605],
      [8.86, 48.56],
    ],
  },
  {
    slug: 'a8',
    name: 'A 8',
    ref: 'A 8',
    roadClass: 'motorway',
    way: [
      [9.19, 48.7],
      [9.102, 48.719],
      [9.08, 48.76],
      [9.033, 48.7935],
      [8.98, 48.805],
      [8.9, 48.82],
    ],
  },
  {
    slug: 'b464-nord',
    name: 'B 464',
    ref: 'B 464',
    roadClass: 'primary',
    fromDistrict: true,
    way: [
      [9.012, 48.7],
      [9.0028, 48.7133],
      [8.97, 48.74],
      [8.935, 48.765],
    ],
  },
  {
    slug: 'b464-sued',
    name: 'B 464',
    ref: 'B 464',
    roadClass: 'primary',
    fromDistrict: true,
    way: [
      [9.012, 48.672],
      [9.0117, 48.6394],
      [9.03, 48.6],
      [9.08, 48.55],
    ],
  },
  {
    slug: 'b14',
    name: 'B 14',
    ref: 'B 14',
    roadClass: 'primary',
    way: [
      [9.0028, 48.7133],
      [9.06, 48.722],
      [9.1069, 48.7287],
      [9.16, 48.76],
      [9.1829, 48.7758],
    ],
  },
  {
    slug: 'b27',
    name: 'B 27',
    ref: 'B 27',
    roadClass: 'primary',
    way: [
      [9.1829, 48.7758],
      [9.1428, 48.6928],
      [9.1314, 48.6378],
      [9.1, 48.58],
      [9.0576, 48.5216],
    ],
  },
  {
    slug: 'b296',
    name: 'B 296',
    ref: 'B 296',
    roadClass: 'primary',
    way: [
      [8.8708, 48.5956],
      [8.83, 48.64],
      [8.78, 48.68],
      [8.7403, 48.7144],
    ],
  },
  {
    slug: 'schoenaich',
    name: 'Schönaicher Straße',
    roadClass: 'secondary',
    fromDistrict: true,
    way: [
      [9.035, 48.676],
      [9.0636, 48.6581],
      [9.1314, 48.6378],
    ],
  },
  {
    slug: 'ehningen',
    name: 'Ehninger Straße',
    roadClass: 'secondary',
    fromDistrict: true,
    way: [
      [8.99, 48.68],
      [8.9417, 48.6586],
      [8.9008, 48.6406],
      [8.8708, 48.5956],
    ],
  },
  {
    slug: 'magstadt',
    name: 'Magstadter Straße',
    roadClass: 'secondary',
    fromDistrict: true,
    way: [
      [8.995, 48.698],
      [8.9656, 48.7439],
      [8.935, 48.765],
    ],
  },
  {
    slug: 'hildrizhausen',
    name: 'Hildrizhauser Straße',
    roadClass: 'secondary',
    way: [
      [9.0117, 48.6394],
      [8.9672, 48.6264],
      [8.9008, 48.6406],
    ],
  },
];

/** Forests around the district, as rough outlines in WGS84 (their edges get a deterministic wobble). */
const FORESTS: readonly { slug: string; name: string; outline: readonly LonLat[] }[] = [
  {
    slug: 'schoenbuch',
    name: 'Schönbuch',
    outline: [
      [8.985, 48.672],
      [9.02, 48.671],
      [9.05, 48.668],
      [9.09, 48.655],
      [9.16, 48.65],
      [9.2, 48.6],
      [9.15, 48.55],
      [9.06, 48.545],
      [9.0, 48.57],
      [8.96, 48.6],
      [8.975, 48.645],
    ],
  },
  {
    slug: 'stadtwald',
    name: 'Böblinger Stadtwald',
    outline: [
      [8.93, 48.705],
      [8.975, 48.7],
      [8.988, 48.685],
      [8.972, 48.668],
      [8.93, 48.672],
      [8.91, 48.69],
    ],
  },
  {
    slug: 'glemswald',
    name: 'Glemswald',
    outline: [
      [9.04, 48.77],
      [9.1, 48.765],
      [9.14, 48.745],
      [9.12, 48.735],
      [9.06, 48.74],
      [9.03, 48.752],
    ],
  },
  {
    slug: 'nordschwarzwald',
    name: 'Nordschwarzwald',
    outline: [
      [8.7, 48.76],
      [8.8, 48.75],
      [8.83, 48.7],
      [8.8, 48.65],
      [8.7, 48.63],
      [8.65, 48.7],
    ],
  },
];

/** Metres between the district's outermost streets and anything drawn outside it. */
const DISTRICT_MARGIN_M = 150;

function roundDegrees(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function toPosition(projection: LocalProjection, point: LocalPointM): Position {
  const [lon, lat] = projection.toLonLat(point);
  return [roundDegrees(lon), roundDegrees(lat)];
}

function closedRing(projection: LocalProjection, ring: LocalRingM): Position[] {
  const positions = ring.map((point) => toPosition(projection, point));
  const first = positions[0];
  if (first) positions.push([...first]);
  return positions;
}

/** The bounding box of every street of the district, local metres. */
export function districtBox(network: StreetNetwork): BoxM {
  return boxOf(network.segments.flatMap((segment) => segment.points));
}

/** True when `point` lies in `box` grown by `marginM`. */
function inBox(point: LocalPointM, box: BoxM, marginM: number): boolean {
  return (
    point[0] >= box[0] - marginM &&
    point[0] <= box[2] + marginM &&
    point[1] >= box[1] - marginM &&
    point[1] <= box[3] + marginM
  );
}

/**
 * An ellipse around `centre` with the axis `direction`, its radius wobbling by up to `wobble`
 * (a fraction) so lakes and woods do not look drawn with a compass.
 */
function wobblyEllipse(
  centre: LocalPointM,
  direction: LocalPointM,
  radiusAlongM: number,
  radiusAcrossM: number,
  wobble: number,
  rng: Prng,
  steps = 36,
): LocalPointM[] {
  const u = normalize(direction);
  const v: LocalPointM = [-u[1], u[0]];
  const phases = [rng.range(0, Math.PI * 2), rng.range(0, Math.PI * 2)];
  const ring: LocalPointM[] = [];
  for (let k = 0; k < steps; k++) {
    const angle = (k / steps) * Math.PI * 2;
    const factor =
      1 +
      wobble * 0.6 * Math.sin(2 * angle + (phases[0] ?? 0)) +
      wobble * 0.4 * Math.sin(3 * angle + (phases[1] ?? 0));
    ring.push(
      add(
        centre,
        add(
          scale(u, Math.cos(angle) * radiusAlongM * factor),
          scale(v, Math.sin(angle) * radiusAcrossM * factor),
        ),
      ),
    );
  }
  return ring;
}

/** Adds points between corners, each pushed sideways a little, so long straight edges look natural. */
function roughenRing(
  ring: readonly LocalPointM[],
  stepM: number,
  amplitudeM: number,
  rng: Prng,
): LocalPointM[] {
  const out: LocalPointM[] = [];
  for (let k = 0; k < ring.length; k++) {
    const a = ring[k] as LocalPointM;
    const b = ring[(k + 1) % ring.length] as LocalPointM;
    const edge = sub(b, a);
    const length = lengthM(edge);
    const n = Math.max(1, Math.round(length / stepM));
    const normal: LocalPointM = length > 0 ? [-edge[1] / length, edge[0] / length] : [0, 0];
    out.push(a);
    for (let s = 1; s < n; s++) {
      out.push(add(add(a, scale(edge, s / n)), scale(normal, rng.range(-amplitudeM, amplitudeM))));
    }
  }
  return out;
}

/** Pushes every point of `ring` that falls inside the district box (plus margin) out of it, southwards or sideways. */
function keepOutOfBox(ring: readonly LocalPointM[], box: BoxM, marginM: number): LocalPointM[] {
  return ring.map((point) => {
    if (!inBox(point, box, marginM)) return point;
    const distances = [
      point[0] - (box[0] - marginM),
      box[2] + marginM - point[0],
      point[1] - (box[1] - marginM),
      box[3] + marginM - point[1],
    ];
    const nearest = distances.indexOf(Math.min(...distances));
    if (nearest === 0) return [box[0] - marginM, point[1]] as const;
    if (nearest === 1) return [box[2] + marginM, point[1]] as const;
    if (nearest === 2) return [point[0], box[1] - marginM] as const;
    return [point[0], box[3] + marginM] as const;
  });
}

/** The ends of district streets that stop at the district's edge, for regional roads to join. */
function districtRoadEnds(network: StreetNetwork, box: BoxM): LocalPointM[] {
  const ends: LocalPointM[] = [];
  for (const segment of network.segments) {
    if (segment.info.roadClass === 'residential') continue;
    for (const point of [segment.points[0], segment.points[segment.points.length - 1]]) {
      if (point && !inBox(point, box, -5)) ends.push(point);
    }
  }
  return ends;
}

function nearest(points: readonly LocalPointM[], to: LocalPointM): LocalPointM | undefined {
  let best: LocalPointM | undefined;
  let bestM = Infinity;
  for (const point of points) {
    const d = lengthM(sub(point, to));
    if (d < bestM) {
      bestM = d;
      best = point;
    }
  }
  return best;
}

function feature(properties: LandscapeProperties, geometry: LandscapeFeature['geometry']): LandscapeFeature {
  return { type: 'Feature', id: properties.id, properties, geometry };
}

/** The landscape of the demo district for a seed (only the wobble of outlines depends on it). */
export function generateLandscape(
  seed: number,
  network: StreetNetwork = buildStreetNetwork(),
): LandscapeCollection {
  const projection = createLocalProjection(CENTRE_LON_LAT);
  const box = districtBox(network);
  const local = (lonLat: LonLat) => projection.toLocal(lonLat);
  const features: LandscapeFeature[] = [];

  // Forests first (drawn below everything), kept clear of the district.
  for (const forest of FORESTS) {
    const rng = createPrng(deriveSeed(seed, 'forest', forest.slug));
    const outline = keepOutOfBox(
      roughenRing(forest.outline.map(local), 400, 120, rng),
      box,
      DISTRICT_MARGIN_M,
    );
    features.push(
      feature(
        { id: `forest-${forest.slug}`, layer: 'forest', name: forest.name, class: 'forest' },
        { type: 'Polygon', coordinates: [closedRing(projection, ensureCounterClockwise(outline))] },
      ),
    );
  }

  // Parks: the district's park blocks, whole.
  for (const block of network.blocks) {
    if (block.zone !== 'park') continue;
    features.push(
      feature(
        { id: `green-park-${block.index}`, layer: 'green', class: 'park' },
        { type: 'Polygon', coordinates: [closedRing(projection, ensureCounterClockwise(block.ring))] },
      ),
    );
  }

  // Meadows along the Schwippe between the district and the Stadtwald.
  const meadowRng = createPrng(deriveSeed(seed, 'meadow'));
  const meadow = keepOutOfBox(
    wobblyEllipse(local([8.993, 48.689]), [0, 1], 700, 220, 0.15, meadowRng),
    box,
    DISTRICT_MARGIN_M,
  );
  features.push(
    feature(
      { id: 'green-schwippe-wiesen', layer: 'green', name: 'Schwippewiesen', class: 'meadow' },
      { type: 'Polygon', coordinates: [closedRing(projection, ensureCounterClockwise(meadow))] },
    ),
  );

  // The two lakes in the park blocks north of the old town: each in the western part of its block,
  // so the block's middle (where the Oberer See station stands) stays on the shore.
  for (const lake of [
    { slug: 'oberer-see', name: 'Oberer See', cell: [5, 7] as const },
    { slug: 'unterer-see', name: 'Unterer See', cell: [8, 7] as const },
  ]) {
    const block = network.blockOfCell(lake.cell[0], lake.cell[1]);
    const rng = createPrng(deriveSeed(seed, 'lake', lake.slug));
    const blockCentre = centroid(block.ring);
    const south = block.sides.find((side) => side.name === 'south');
    const east = block.sides.find((side) => side.name === 'east');
    if (!south || !east) throw new Error(`lake ${lake.slug}: its block has no south or east side`);
    const southDirection = sub(
      south.points[south.points.length - 1] as LocalPointM,
      south.points[0] as LocalPointM,
    );
    // West to east along the block, whichever way its side runs.
    const along = normalize(southDirection[0] >= 0 ? southDirection : scale(southDirection, -1));
    const cellSideM = south.lengthM / 2;
    const acrossM = east.lengthM;
    const towards = lake.cell[0] === 5 ? -1 : 1;
    const centre = add(blockCentre, scale(along, (towards * cellSideM) / 2));
    const ring = wobblyEllipse(centre, along, cellSideM * 0.4, acrossM * 0.3, 0.12, rng);
    features.push(
      feature(
        { id: `water-${lake.slug}`, layer: 'water', name: lake.name, class: 'lake' },
        { type: 'Polygon', coordinates: [closedRing(projection, ensureCounterClockwise(ring))] },
      ),
    );
  }

  // The Schwippe: from the Schönbuch north along the district's west side to Sindelfingen.
  const riverRng = createPrng(deriveSeed(seed, 'schwippe'));
  const westM = box[0] - DISTRICT_MARGIN_M;
  const riverWay: LocalPointM[] = [
    local([8.975, 48.645]),
    local([8.985, 48.66]),
    [westM - 60, box[1] - 400],
    [westM, box[1] + 200],
    [westM - 30, (box[1] + box[3]) / 2],
    [westM, box[3] - 100],
    local([8.998, 48.705]),
    local([8.99, 48.72]),
    local([8.975, 48.735]),
  ];
  const river = roughenPolyline(riverWay, 120, 25, riverRng).map((point) =>
    inBox(point, box, DISTRICT_MARGIN_M - 40) ? ([westM, point[1]] as const) : point,
  );
  features.push(
    feature(
      { id: 'water-schwippe', layer: 'water', name: 'Schwippe', class: 'river' },
      { type: 'LineString', coordinates: river.map((point) => toPosition(projection, point)) },
    ),
  );

  // The railway: the Gäubahn from Stuttgart past the district's east side to Herrenberg, and the
  // Schönbuchbahn from the station south to Holzgerlingen and Dettenhausen.
  const eastM = box[2] + DISTRICT_MARGIN_M;
  const stationNorthM = (box[1] + box[3]) / 2 - 120;
  const station: LocalPointM = [eastM, stationNorthM];
  const gaeubahn: LocalPointM[] = [
    local([9.1817, 48.784]),
    local([9.1131, 48.7265]),
    local([9.06, 48.705]),
    [eastM + 60, box[3] + 300],
    [eastM, box[3] - 200],
    station,
    [eastM, box[1] + 100],
    [eastM - 200, box[1] - DISTRICT_MARGIN_M - 100],
    [box[0] + 200, box[1] - DISTRICT_MARGIN_M - 220],
    local([8.943, 48.656]),
    local([8.902, 48.64]),
    local([8.869, 48.595]),
  ];
  const schoenbuchbahn: LocalPointM[] = [
    [eastM, box[1] + 100],
    [eastM + 80, box[1] - 300],
    local([9.0117, 48.6394]),
    local([9.04, 48.628]),
    local([9.101, 48.608]),
  ];
  features.push(
    feature(
      { id: 'rail-gaeubahn', layer: 'rail', name: 'Gäubahn', class: 'rail' },
      { type: 'LineString', coordinates: gaeubahn.map((point) => toPosition(projection, point)) },
    ),
    feature(
      { id: 'rail-schoenbuchbahn', layer: 'rail', name: 'Schönbuchbahn', class: 'rail' },
      { type: 'LineString', coordinates: schoenbuchbahn.map((point) => toPosition(projection, point)) },
    ),
    feature(
      { id: 'rail-station-boeblingen', layer: 'rail', name: 'Böblingen Bahnhof', class: 'station' },
      { type: 'Point', coordinates: toPosition(projection, station) },
    ),
  );

  // Regional roads, joined to the district's streets where they start at it.
  const roadEnds = districtRoadEnds(network, box);
  for (const road of REGIONAL_ROADS) {
    const way = road.way.map(local);
    const first = way[0];
    const join = road.fromDistrict && first ? nearest(roadEnds, first) : undefined;
    const points = join ? [join, ...way] : way;
    features.push(
      feature(
        {
          id: `road-${road.slug}`,
          layer: 'roads',
          name: road.name,
          class: road.roadClass,
          ...(road.ref ? { ref: road.ref } : {}),
        },
        { type: 'LineString', coordinates: points.map((point) => toPosition(projection, point)) },
      ),
    );
  }

  // Place names: the district itself, its quarters, the towns around.
  features.push(
    feature(
      { id: 'place-boeblingen', layer: 'places', name: 'Böblingen', class: 'town', rank: 2 },
      { type: 'Point', coordinates: [CENTRE_LON_LAT[0], CENTRE_LON_LAT[1]] },
    ),
  );
  for (const quarter of QUARTERS) {
    const block = network.blockOfCell(quarter.cell[0], quarter.cell[1]);
    features.push(
      feature(
        {
          id: `place-${quarter.district}-${quarter.cell[0]}-${quarter.cell[1]}`,
          layer: 'places',
          name: quarter.name,
          class: 'quarter',
          rank: 4,
        },
        { type: 'Point', coordinates: toPosition(projection, centroid(block.ring)) },
      ),
    );
  }
  for (const place of NEIGHBOUR_PLACES) {
    features.push(
      feature(
        {
          id: `place-${slugOf(place.name)}`,
          layer: 'places',
          name: place.name,
          class: place.rank === 1 ? 'city' : place.rank === 2 ? 'town' : 'village',
          rank: place.rank,
        },
        { type: 'Point', coordinates: [place.lonLat[0], place.lonLat[1]] },
      ),
    );
  }
  return { type: 'FeatureCollection', synthetic: true, features };
}

function roughenPolyline(
  points: readonly LocalPointM[],
  stepM: number,
  amplitudeM: number,
  rng: Prng,
): LocalPointM[] {
  const out: LocalPointM[] = [];
  for (let k = 0; k < points.length - 1; k++) {
    const a = points[k] as LocalPointM;
    const b = points[k + 1] as LocalPointM;
    const edge = sub(b, a);
    const length = lengthM(edge);
    const n = Math.max(1, Math.round(length / stepM));
    const normal: LocalPointM = length > 0 ? [-edge[1] / length, edge[0] / length] : [0, 0];
    out.push(a);
    for (let s = 1; s < n; s++) {
      // A smooth meander: a sine along the edge plus a little noise.
      const bend = Math.sin((s / n) * Math.PI * 2) * amplitudeM + rng.range(-amplitudeM, amplitudeM) * 0.3;
      out.push(add(add(a, scale(edge, s / n)), scale(normal, bend)));
    }
  }
  const last = points[points.length - 1];
  if (last) out.push(last);
  return out;
}

function ensureCounterClockwise(ring: readonly LocalPointM[]): LocalPointM[] {
  let twiceArea = 0;
  for (let k = 0; k < ring.length; k++) {
    const a = ring[k] as LocalPointM;
    const b = ring[(k + 1) % ring.length] as LocalPointM;
    twiceArea += a[0] * b[1] - b[0] * a[1];
  }
  return twiceArea >= 0 ? [...ring] : [...ring].reverse();
}

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The landscape file's text: one feature per line, like the pack's other GeoJSON files. */
export function serializeLandscape(landscape: LandscapeCollection): string {
  return `{"type":"FeatureCollection","synthetic":true,"features":[\n${landscape.features
    .map((item) => JSON.stringify(item))
    .join(',\n')}\n]}\n`;
}
