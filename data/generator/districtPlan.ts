/**
 * The hand-made plan of the synthetic district: a warped street grid around Böblingen's Elbenplatz,
 * which parts of town each block belongs to, the main roads with their real names, and where the
 * notable buildings, basins and measuring stations go. Everything random (house sizes, gaps, heights)
 * comes later from the seed; this file is the part a planner would draw by hand.
 *
 * Grid indices: columns `i` run west to east, rows `j` south to north. A cell `(i, j)` lies between
 * grid lines `x = i` and `x = i + 1` and `y = j` and `y = j + 1`. The layout loosely follows the real
 * town: the Hulb industrial estate in the west, the old town with the two lakes (Oberer and Unterer
 * See) in the middle, the station and the Mercaden east of it, Flugfeld in the north-east and the
 * Diezenhalde estate in the south-east.
 */
import type { BuildingUse, RoadClass } from '../../protocol/packFeatures.ts';

/** Real centre of Böblingen (Elbenplatz), `[lon, lat]`. The grid node `ORIGIN_NODE` sits here. */
export const CENTRE_LON_LAT: readonly [number, number] = [9.015, 48.685];

/** Widths of the 14 cell columns, west to east: large industrial plots, small old-town blocks. */
export const COLUMN_WIDTHS_M: readonly number[] = [
  150, 145, 140, 135, 120, 110, 95, 95, 100, 110, 120, 125, 130, 135,
];
/** Heights of the 13 cell rows, south to north. */
export const ROW_HEIGHTS_M: readonly number[] = [
  125, 120, 115, 110, 95, 95, 105, 115, 120, 125, 120, 115, 110,
];
/** The grid node at the city centre: the Elbenplatz junction. */
export const ORIGIN_NODE = { column: 7, row: 5 } as const;
/** The street grid is turned clockwise, as the old town's main streets are not north-south. */
export const GRID_ROTATION_DEG = -9;

/** Parts of town; each brings its kind of building and its pool of street names. */
export type District =
  'hulb' | 'west' | 'south' | 'altstadt' | 'lakes' | 'bahnhof' | 'diezenhalde' | 'flugfeld' | 'north';

/** What fills a block. */
export type Zone =
  'residential' | 'altstadt' | 'apartments' | 'industrial' | 'commercial' | 'flugfeld' | 'park';

/** The part of town a grid cell belongs to. */
export function districtOfCell(i: number, j: number): District {
  if (i <= 3 && j <= 5) return 'hulb';
  if (i <= 4) return 'west';
  if (i <= 8 && j <= 3) return 'south';
  if (i <= 8 && j <= 6) return 'altstadt';
  if (i <= 8 && j === 7) return 'lakes';
  if (i <= 8) return 'north';
  if (i <= 10 && j >= 4 && j <= 7) return 'bahnhof';
  if (j <= 3) return 'diezenhalde';
  if (i <= 10 || j >= 10) return 'north';
  return 'flugfeld';
}

/** The zone a block gets from its district unless its `BlockPlan` says otherwise. */
export const ZONE_OF_DISTRICT: Readonly<Record<District, Zone>> = {
  hulb: 'industrial',
  west: 'residential',
  south: 'residential',
  altstadt: 'altstadt',
  lakes: 'park',
  bahnhof: 'commercial',
  diezenhalde: 'apartments',
  flugfeld: 'flugfeld',
  north: 'residential',
};

/** A rectangle of cells, inclusive: `[i0, j0, i1, j1]`. */
export type CellRange = readonly [i0: number, j0: number, i1: number, j1: number];

/** Blocks larger than one cell (no street between their cells), or single cells with another zone. */
export interface BlockPlan {
  cells: CellRange;
  zone?: Zone;
}

/** The planned blocks; every cell not listed is a block of its own. */
export const BLOCK_PLANS: readonly BlockPlan[] = [
  // Hulb: large industrial plots. No merge may span a main road (Calwer and Herrenberger Straße,
  // Hanns-Klemm-Straße), or the road would lose an edge.
  { cells: [0, 0, 1, 1] },
  { cells: [2, 0, 2, 1] },
  { cells: [3, 0, 3, 1] },
  { cells: [0, 2, 1, 3] },
  { cells: [2, 2, 2, 3] },
  { cells: [3, 2, 3, 4] },
  { cells: [0, 4, 1, 4] },
  { cells: [0, 5, 1, 5] },
  // The green strip along the Murkenbach with its overflow basin.
  { cells: [4, 2, 4, 2], zone: 'park' },
  // The two lakes north of the old town.
  { cells: [5, 7, 6, 7], zone: 'park' },
  { cells: [7, 7, 8, 7], zone: 'park' },
  // Kongresshalle at the Unterer See.
  { cells: [7, 8, 8, 8], zone: 'commercial' },
  // School campuses.
  { cells: [5, 1, 6, 1] },
  { cells: [2, 7, 3, 7] },
  { cells: [9, 8, 10, 8] },
  // Station square and the Mercaden shopping centre.
  { cells: [9, 5, 10, 5] },
  { cells: [9, 6, 10, 6] },
  // Flugfeld: Motorworld and larger plots.
  { cells: [11, 5, 12, 5] },
  { cells: [11, 7, 12, 7] },
  { cells: [13, 8, 13, 9] },
  // Diezenhalde: the retention basin in a green plot among the apartment blocks.
  { cells: [12, 0, 13, 0] },
  // Rauher Kapf: a post-war estate of slabs and towers in the north.
  { cells: [4, 11, 6, 12], zone: 'apartments' },
  // A town park in the north-east.
  { cells: [10, 10, 11, 10], zone: 'park' },
];

/** Road attributes shared by all edges of one street. */
export interface RoadInfo {
  name: string;
  roadClass: RoadClass;
  speedLimitKmh: number;
  lanes: number;
}

/** A named main road over a range of grid edges along one grid line. */
export interface MajorRoadPlan extends RoadInfo {
  /** `h`: a west-east grid line `y = line`; `v`: a south-north grid line `x = line`. */
  orientation: 'h' | 'v';
  line: number;
  /** Edge indices along the line, `from` inclusive, `to` exclusive. */
  from: number;
  to: number;
}

/** The main roads, named after real streets of Böblingen; they carry most traffic sensors. */
export const MAJOR_ROADS: readonly MajorRoadPlan[] = [
  {
    orientation: 'h',
    line: 5,
    from: 0,
    to: 7,
    name: 'Herrenberger Straße',
    roadClass: 'primary',
    speedLimitKmh: 50,
    lanes: 4,
  },
  {
    orientation: 'h',
    line: 5,
    from: 7,
    to: 14,
    name: 'Stuttgarter Straße',
    roadClass: 'primary',
    speedLimitKmh: 50,
    lanes: 4,
  },
  {
    orientation: 'v',
    line: 9,
    from: 0,
    to: 13,
    name: 'Wolfgang-Brumme-Allee',
    roadClass: 'primary',
    speedLimitKmh: 50,
    lanes: 4,
  },
  {
    orientation: 'v',
    line: 7,
    from: 5,
    to: 13,
    name: 'Sindelfinger Straße',
    roadClass: 'secondary',
    speedLimitKmh: 50,
    lanes: 2,
  },
  {
    orientation: 'v',
    line: 7,
    from: 0,
    to: 5,
    name: 'Tübinger Straße',
    roadClass: 'secondary',
    speedLimitKmh: 50,
    lanes: 2,
  },
  {
    orientation: 'h',
    line: 2,
    from: 0,
    to: 7,
    name: 'Calwer Straße',
    roadClass: 'secondary',
    speedLimitKmh: 50,
    lanes: 2,
  },
  {
    orientation: 'h',
    line: 2,
    from: 7,
    to: 14,
    name: 'Schönaicher Straße',
    roadClass: 'secondary',
    speedLimitKmh: 50,
    lanes: 2,
  },
  {
    orientation: 'h',
    line: 6,
    from: 4,
    to: 7,
    name: 'Poststraße',
    roadClass: 'tertiary',
    speedLimitKmh: 30,
    lanes: 2,
  },
  {
    orientation: 'h',
    line: 6,
    from: 7,
    to: 11,
    name: 'Bahnhofstraße',
    roadClass: 'secondary',
    speedLimitKmh: 30,
    lanes: 2,
  },
  {
    orientation: 'h',
    line: 6,
    from: 11,
    to: 14,
    name: 'Flugfeld-Allee',
    roadClass: 'secondary',
    speedLimitKmh: 50,
    lanes: 2,
  },
  {
    orientation: 'v',
    line: 6,
    from: 2,
    to: 7,
    name: 'Talstraße',
    roadClass: 'tertiary',
    speedLimitKmh: 40,
    lanes: 2,
  },
  {
    orientation: 'v',
    line: 3,
    from: 0,
    to: 6,
    name: 'Hanns-Klemm-Straße',
    roadClass: 'tertiary',
    speedLimitKmh: 50,
    lanes: 2,
  },
  {
    orientation: 'h',
    line: 8,
    from: 4,
    to: 9,
    name: 'Seestraße',
    roadClass: 'tertiary',
    speedLimitKmh: 40,
    lanes: 2,
  },
];

/** Names for the other streets, taken in order as runs of each district need them. */
export const STREET_NAME_POOLS: Readonly<Record<District, readonly string[]>> = {
  hulb: [
    'Konrad-Zuse-Straße',
    'Otto-Lilienthal-Straße',
    'Dornierstraße',
    'Max-Eyth-Straße',
    'Robert-Bosch-Straße',
    'Rudolf-Diesel-Straße',
    'Wilhelm-Maybach-Straße',
    'Carl-Zeiss-Straße',
    'Gottlieb-Daimler-Straße',
    'Siemensstraße',
    'Röntgenstraße',
    'Hulbstraße',
  ],
  west: [
    'Hildrizhauser Straße',
    'Galgenbergstraße',
    'Waldburgstraße',
    'Murkenbachweg',
    'Herdweg',
    'Eichendorffstraße',
    'Hölderlinstraße',
    'Silcherstraße',
    'Schickhardtstraße',
    'Dagersheimer Straße',
    'Rosenstraße',
    'Ahornweg',
    'Birkenweg',
    'Buchenweg',
    'Kastanienweg',
    'Eschenweg',
    'Ulmenweg',
    'Lerchenweg',
    'Amselweg',
    'Finkenweg',
    'Meisenweg',
    'Drosselweg',
  ],
  south: [
    'Uhlandstraße',
    'Goethestraße',
    'Schillerstraße',
    'Mörikestraße',
    'Tannenbergstraße',
    'Wielandstraße',
    'Kernerstraße',
    'Lessingstraße',
    'Hauffstraße',
    'Schubartstraße',
    'Gartenstraße',
    'Lindenstraße',
  ],
  altstadt: [
    'Marktstraße',
    'Lange Straße',
    'Schlossbergstraße',
    'Kirchstraße',
    'Turmstraße',
    'Pfarrgasse',
    'Stadtgrabenstraße',
    'Untere Gasse',
    'Obere Gasse',
    'Karlstraße',
    'Marktgasse',
    'Schlossstraße',
  ],
  lakes: ['Am Oberen See', 'Am Unteren See', 'Seepromenade', 'Seegasse'],
  bahnhof: [
    'Parkstraße',
    'Charlottenstraße',
    'Elbenstraße',
    'Bismarckstraße',
    'Friedrichstraße',
    'Kremser Straße',
    'Sankt-Lukas-Weg',
  ],
  diezenhalde: [
    'Freiburger Allee',
    'Leipziger Straße',
    'Dresdener Straße',
    'Rostocker Straße',
    'Potsdamer Straße',
    'Weimarer Straße',
    'Erfurter Straße',
    'Magdeburger Straße',
    'Schweriner Straße',
    'Görlitzer Straße',
    'Jenaer Straße',
    'Hallesche Straße',
    'Cottbuser Straße',
    'Zwickauer Straße',
  ],
  flugfeld: [
    'Karl-Benz-Straße',
    'Bertha-Benz-Straße',
    'Graf-Zeppelin-Straße',
    'Hellmuth-Hirth-Straße',
    'Elly-Beinhorn-Straße',
    'Melli-Beese-Straße',
    'Hanna-Reitsch-Weg',
    'Rumplerstraße',
    'Flugfeld-Ring',
    'Hangarstraße',
    'Towerstraße',
    'Startbahnweg',
  ],
  north: [
    'Keplerstraße',
    'Pestalozzistraße',
    'Wilhelmstraße',
    'Friedrich-List-Straße',
    'Sophienstraße',
    'Olgastraße',
    'Katharinenstraße',
    'Paul-Gerhardt-Weg',
    'Zeppelinstraße',
    'Silberweg',
    'Bunsenstraße',
    'Rappenbaumstraße',
    'Goldbergstraße',
    'Rotbühlstraße',
    'Tannenweg',
    'Fichtenweg',
    'Kiefernweg',
    'Lärchenweg',
  ],
};

/** Where on a block a planned building or basin goes. */
export type BlockSideName = 'south' | 'east' | 'north' | 'west';

/** Where a planned object goes. */
export interface Placement {
  /** Any cell of the block. */
  cell: readonly [i: number, j: number];
  /** The street side to front on, or `centre` for the middle of the block. */
  side: BlockSideName | 'centre';
  /** Position along the side, 0…1 measured west to east or south to north. */
  at: number;
}

/** A notable building placed before the block is filled. */
export interface AnchorPlan extends Placement {
  /** Stable key for sensors and tests, e.g. `parking-elbenplatz`. */
  key: string;
  name: string;
  use: BuildingUse;
  /** Length along the street side. */
  alongM: number;
  /** Depth away from the street. */
  acrossM: number;
  storeys: number;
  heightM: number;
  /** An L-shaped footprint: the front wing's depth and the side wing's width. */
  lShape?: { frontDepthM: number; sideWidthM: number };
}

/** A multi-storey car park; its footprint follows from capacity and storeys. */
export interface GaragePlan extends Placement {
  slug: string;
  name: string;
  capacitySpaces: number;
  storeys: number;
}

/** Gross floor area per parking space, ramps and aisles included. */
export const GARAGE_AREA_PER_SPACE_M2 = 25;
/** Storey height of a car park (split levels are lower than offices). */
export const GARAGE_STOREY_HEIGHT_M = 2.9;

/** The multi-storey car parks, each with a parking sensor. Capacities are invented but plausible. */
export const GARAGES: readonly GaragePlan[] = [
  {
    slug: 'elbenplatz',
    name: 'Parkhaus Elbenplatz',
    cell: [7, 4],
    side: 'north',
    at: 0.35,
    capacitySpaces: 420,
    storeys: 5,
  },
  {
    slug: 'bahnhofstrasse',
    name: 'Parkhaus Bahnhofstraße',
    cell: [8, 6],
    side: 'south',
    at: 0.45,
    capacitySpaces: 520,
    storeys: 5,
  },
  {
    slug: 'mercaden',
    name: 'Parkhaus Mercaden',
    cell: [9, 5],
    side: 'east',
    at: 0.5,
    capacitySpaces: 880,
    storeys: 7,
  },
  {
    slug: 'postplatz',
    name: 'Parkhaus Stadtmitte/Postplatz',
    cell: [6, 5],
    side: 'north',
    at: 0.5,
    capacitySpaces: 260,
    storeys: 4,
  },
  {
    slug: 'kongresshalle',
    name: 'Parkhaus Kongresshalle',
    cell: [7, 8],
    side: 'east',
    at: 0.5,
    capacitySpaces: 600,
    storeys: 5,
  },
  {
    slug: 'diezenhalde',
    name: 'Parkhaus Diezenhalde',
    cell: [10, 2],
    side: 'west',
    at: 0.5,
    capacitySpaces: 180,
    storeys: 3,
  },
  {
    slug: 'flugfeld',
    name: 'Parkhaus Flugfeld',
    cell: [11, 7],
    side: 'south',
    at: 0.75,
    capacitySpaces: 750,
    storeys: 6,
  },
  {
    slug: 'unterer-see',
    name: 'Parkhaus Unterer See',
    cell: [9, 7],
    side: 'west',
    at: 0.5,
    capacitySpaces: 340,
    storeys: 4,
  },
];

/** Public buildings, schools and large commercial buildings, placed before the blocks fill up. */
export const LANDMARKS: readonly AnchorPlan[] = [
  {
    key: 'rathaus',
    name: 'Rathaus Böblingen',
    use: 'public',
    cell: [5, 5],
    side: 'east',
    at: 0.5,
    alongM: 40,
    acrossM: 22,
    storeys: 4,
    heightM: 18.5,
  },
  {
    key: 'stadtkirche',
    name: 'Stadtkirche St. Dionysius',
    use: 'public',
    cell: [5, 6],
    side: 'centre',
    at: 0.5,
    alongM: 34,
    acrossM: 15,
    storeys: 1,
    heightM: 19,
  },
  {
    key: 'stadtbibliothek',
    name: 'Stadtbibliothek Böblingen',
    use: 'public',
    cell: [6, 6],
    side: 'south',
    at: 0.5,
    alongM: 30,
    acrossM: 20,
    storeys: 3,
    heightM: 13,
  },
  {
    key: 'amtsgericht',
    name: 'Amtsgericht Böblingen',
    use: 'public',
    cell: [8, 4],
    side: 'south',
    at: 0.5,
    alongM: 40,
    acrossM: 16,
    storeys: 4,
    heightM: 16,
  },
  {
    key: 'landratsamt',
    name: 'Landratsamt Böblingen',
    use: 'public',
    cell: [9, 4],
    side: 'west',
    at: 0.5,
    alongM: 60,
    acrossM: 18,
    storeys: 6,
    heightM: 22.5,
  },
  {
    key: 'kongresshalle',
    name: 'Kongresshalle Böblingen',
    use: 'public',
    cell: [7, 8],
    side: 'south',
    at: 0.3,
    alongM: 80,
    acrossM: 50,
    storeys: 2,
    heightM: 18,
  },
  {
    key: 'bahnhof',
    name: 'Bahnhof Böblingen',
    use: 'public',
    cell: [9, 6],
    side: 'south',
    at: 0.6,
    alongM: 60,
    acrossM: 16,
    storeys: 2,
    heightM: 11,
  },
  {
    key: 'mercaden',
    name: 'Mercaden Böblingen',
    use: 'commercial',
    cell: [9, 5],
    side: 'south',
    at: 0.35,
    alongM: 90,
    acrossM: 50,
    storeys: 4,
    heightM: 20,
  },
  {
    key: 'motorworld',
    name: 'Motorworld Region Stuttgart',
    use: 'commercial',
    cell: [11, 5],
    side: 'centre',
    at: 0.5,
    alongM: 110,
    acrossM: 55,
    storeys: 3,
    heightM: 19,
  },
  {
    key: 'feuerwache',
    name: 'Feuerwache Böblingen',
    use: 'public',
    cell: [4, 5],
    side: 'south',
    at: 0.5,
    alongM: 45,
    acrossM: 25,
    storeys: 2,
    heightM: 10.5,
  },
  {
    key: 'otto-hahn-gymnasium',
    name: 'Otto-Hahn-Gymnasium',
    use: 'school',
    cell: [6, 1],
    side: 'south',
    at: 0.4,
    alongM: 75,
    acrossM: 45,
    storeys: 3,
    heightM: 13,
    lShape: { frontDepthM: 15, sideWidthM: 15 },
  },
  {
    key: 'otto-hahn-gymnasium-sporthalle',
    name: 'Sporthalle Otto-Hahn-Gymnasium',
    use: 'school',
    cell: [6, 1],
    side: 'north',
    at: 0.7,
    alongM: 44,
    acrossM: 26,
    storeys: 1,
    heightM: 9,
  },
  {
    key: 'lise-meitner-gymnasium',
    name: 'Lise-Meitner-Gymnasium',
    use: 'school',
    cell: [2, 7],
    side: 'south',
    at: 0.4,
    alongM: 70,
    acrossM: 40,
    storeys: 3,
    heightM: 12.5,
    lShape: { frontDepthM: 14, sideWidthM: 14 },
  },
  {
    key: 'lise-meitner-gymnasium-sporthalle',
    name: 'Sporthalle Lise-Meitner-Gymnasium',
    use: 'school',
    cell: [2, 7],
    side: 'north',
    at: 0.7,
    alongM: 40,
    acrossM: 24,
    storeys: 1,
    heightM: 8.5,
  },
  {
    key: 'albert-einstein-gymnasium',
    name: 'Albert-Einstein-Gymnasium',
    use: 'school',
    cell: [9, 8],
    side: 'west',
    at: 0.5,
    alongM: 70,
    acrossM: 42,
    storeys: 3,
    heightM: 13,
    lShape: { frontDepthM: 15, sideWidthM: 15 },
  },
  {
    key: 'albert-einstein-gymnasium-sporthalle',
    name: 'Sporthalle Albert-Einstein-Gymnasium',
    use: 'school',
    cell: [9, 8],
    side: 'east',
    at: 0.5,
    alongM: 42,
    acrossM: 25,
    storeys: 1,
    heightM: 9,
  },
  {
    key: 'murkenbachschule',
    name: 'Murkenbachschule',
    use: 'school',
    cell: [4, 3],
    side: 'east',
    at: 0.5,
    alongM: 50,
    acrossM: 16,
    storeys: 2,
    heightM: 9.5,
  },
  {
    key: 'eichendorffschule',
    name: 'Eichendorffschule',
    use: 'school',
    cell: [11, 2],
    side: 'north',
    at: 0.5,
    alongM: 55,
    acrossM: 16,
    storeys: 3,
    heightM: 12,
  },
];

/** A drainage basin: an open concrete basin outline kept free of buildings. */
export interface BasinPlan extends Placement {
  slug: string;
  name: string;
  alongM: number;
  acrossM: number;
  maxLevelCm: number;
  volumeM3: number;
}

/** The stormwater basins of the drainage network, each with a level sensor. */
export const BASINS: readonly BasinPlan[] = [
  {
    slug: 'murkenbach',
    name: 'Regenüberlaufbecken Murkenbach',
    cell: [4, 2],
    side: 'centre',
    at: 0.5,
    alongM: 48,
    acrossM: 24,
    maxLevelCm: 320,
    volumeM3: 1800,
  },
  {
    slug: 'unterer-see',
    name: 'Regenrückhaltebecken Unterer See',
    cell: [7, 7],
    side: 'centre',
    at: 0.5,
    alongM: 70,
    acrossM: 35,
    maxLevelCm: 400,
    volumeM3: 6500,
  },
  {
    slug: 'hulb',
    name: 'Regenüberlaufbecken Hulb',
    cell: [0, 4],
    side: 'west',
    at: 0.5,
    alongM: 40,
    acrossM: 20,
    maxLevelCm: 300,
    volumeM3: 1200,
  },
  {
    slug: 'diezenhalde',
    name: 'Regenrückhaltebecken Diezenhalde',
    cell: [12, 0],
    side: 'south',
    at: 0.5,
    alongM: 80,
    acrossM: 30,
    maxLevelCm: 450,
    volumeM3: 9000,
  },
];

/** An environment station: on the pavement of a street edge, or in the middle of a (park) block. */
export interface StationPlan {
  slug: string;
  name: string;
  place:
    | {
        kind: 'street';
        orientation: 'h' | 'v';
        line: number;
        edge: number;
        /** 0…1 along the edge, west to east or south to north. */
        at: number;
        /** Which pavement: +1 left of the edge's direction (north or west side), -1 the other. */
        side: 1 | -1;
      }
    | { kind: 'block'; cell: readonly [i: number, j: number] };
}

/** Air-quality, climate and noise stations, several of them at schools. */
export const STATIONS: readonly StationPlan[] = [
  {
    slug: 'elbenplatz',
    name: 'Messstation Elbenplatz',
    place: { kind: 'street', orientation: 'h', line: 5, edge: 7, at: 0.12, side: 1 },
  },
  {
    slug: 'postplatz',
    name: 'Messstation Postplatz',
    place: { kind: 'street', orientation: 'h', line: 6, edge: 6, at: 0.25, side: -1 },
  },
  { slug: 'oberer-see', name: 'Messstation Oberer See', place: { kind: 'block', cell: [5, 7] } },
  {
    slug: 'bahnhof',
    name: 'Messstation Bahnhof',
    place: { kind: 'street', orientation: 'h', line: 6, edge: 10, at: 0.5, side: 1 },
  },
  {
    slug: 'hulb',
    name: 'Messstation Hulb',
    place: { kind: 'street', orientation: 'v', line: 2, edge: 3, at: 0.5, side: 1 },
  },
  {
    slug: 'herrenberger-strasse',
    name: 'Messstation Herrenberger Straße',
    place: { kind: 'street', orientation: 'h', line: 5, edge: 2, at: 0.5, side: -1 },
  },
  {
    slug: 'otto-hahn-gymnasium',
    name: 'Schulwetterstation Otto-Hahn-Gymnasium',
    place: { kind: 'street', orientation: 'h', line: 1, edge: 6, at: 0.4, side: 1 },
  },
  {
    slug: 'albert-einstein-gymnasium',
    name: 'Schulwetterstation Albert-Einstein-Gymnasium',
    place: { kind: 'street', orientation: 'v', line: 9, edge: 8, at: 0.5, side: -1 },
  },
  {
    slug: 'lise-meitner-gymnasium',
    name: 'Schulwetterstation Lise-Meitner-Gymnasium',
    place: { kind: 'street', orientation: 'h', line: 7, edge: 2, at: 0.4, side: 1 },
  },
  {
    slug: 'murkenbachschule',
    name: 'Schulwetterstation Murkenbachschule',
    place: { kind: 'street', orientation: 'v', line: 5, edge: 3, at: 0.5, side: 1 },
  },
  {
    slug: 'diezenhalde',
    name: 'Messstation Diezenhalde',
    place: { kind: 'street', orientation: 'h', line: 2, edge: 11, at: 0.5, side: -1 },
  },
  {
    slug: 'flugfeld',
    name: 'Messstation Flugfeld',
    place: { kind: 'street', orientation: 'h', line: 7, edge: 12, at: 0.5, side: 1 },
  },
];
