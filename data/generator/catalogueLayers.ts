/**
 * The demo pack's map catalogue beyond buildings and live data: synthetic GeoJSON layers of what the
 * towns' digital strategies ask to see on a map (MISSION.md, item 12): the fibre rollout, LoRaWAN
 * gateways and their coverage, primary-school districts, Reallabor test areas with their dates, a
 * draft land-use plan (Bebauungsplan) and road works with their dates. Placed on the district's
 * street grid, deterministic (no seed needed: the plan is drawn by hand like `districtPlan.ts`),
 * coordinates rounded to 6 decimals (about 10 cm) so the files stay small.
 */
import type { LayerEntryInput, LayerGroup } from '../../protocol/index.ts';
import {
  COLUMN_WIDTHS_M,
  LANDMARKS,
  MAJOR_ROADS,
  ORIGIN_NODE,
  ROW_HEIGHTS_M,
  type CellRange,
} from './districtPlan.ts';
import { centroid, pointAlong, polylineLengthM, type LocalPointM, type LocalProjection } from './geometry.ts';
import { warpGridPoint, type StreetNetwork } from './streetNetwork.ts';

/** One GeoJSON file of the catalogue, its name relative to the pack folder. */
export interface CatalogueFile {
  readonly fileName: string;
  readonly features: readonly CatalogueFeature[];
}

/** A GeoJSON feature as written (ids are strings, positions `[lon, lat]`). */
export interface CatalogueFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly properties: Readonly<Record<string, string | number>>;
  readonly geometry:
    | { readonly type: 'Point'; readonly coordinates: readonly number[] }
    | { readonly type: 'LineString'; readonly coordinates: readonly (readonly number[])[] }
    | { readonly type: 'Polygon'; readonly coordinates: readonly (readonly (readonly number[])[])[] };
}

/** The groups of the demo catalogue, in the panel's order. */
export const DEMO_GROUPS: readonly LayerGroup[] = [
  { id: 'live', title: { de: 'Live-Daten', en: 'Live data' }, expanded: true },
  { id: 'citymodel', title: { de: 'Stadtmodell', en: 'City model' }, expanded: true },
  { id: 'infrastructure', title: { de: 'Infrastruktur', en: 'Infrastructure' }, expanded: true },
  { id: 'planning', title: { de: 'Planung', en: 'Planning' }, expanded: true },
  { id: 'education', title: { de: 'Bildung', en: 'Education' }, expanded: true },
];

/** The group of each of the pack's own layers (buildings, roads, live kinds). */
export const GROUP_OF_PACK_LAYER: Readonly<Record<string, string>> = {
  buildings: 'citymodel',
  roads: 'citymodel',
  basins: 'infrastructure',
  parking: 'live',
  traffic: 'live',
  environment: 'live',
  water: 'live',
};

const SOURCE = 'Demo-Daten (synthetisch)';
const LICENCE = 'CC0 1.0 (synthetische Demo-Daten)';
/** The day the demo catalogue was drawn; a fixed date keeps the generator's output the same. */
const UPDATED = '2026-12-01';

function cumulative(sizes: readonly number[], originIndex: number): number[] {
  const positions = [0];
  for (const size of sizes) positions.push((positions[positions.length - 1] as number) + size);
  const origin = positions[originIndex] as number;
  return positions.map((p) => p - origin);
}

const GRID_X_M = cumulative(COLUMN_WIDTHS_M, ORIGIN_NODE.column);
const GRID_Y_M = cumulative(ROW_HEIGHTS_M, ORIGIN_NODE.row);

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Builds the catalogue's files and entries on the district's grid. */
export function demoCatalogue(
  network: StreetNetwork,
  projection: LocalProjection,
  cityId: string,
): { files: CatalogueFile[]; layers: LayerEntryInput[] } {
  const lonLat = (point: LocalPointM): number[] => {
    const [lon, lat] = projection.toLonLat(point);
    return [round6(lon), round6(lat)];
  };
  /** A grid position (`x` between column lines, `y` between row lines, fractions allowed). */
  const gridPoint = (x: number, y: number): LocalPointM => {
    const at = (lines: readonly number[], v: number) => {
      const i = Math.max(0, Math.min(lines.length - 2, Math.floor(v)));
      const a = lines[i] as number;
      const b = lines[i + 1] as number;
      return a + (b - a) * (v - i);
    };
    return warpGridPoint(at(GRID_X_M, x), at(GRID_Y_M, y));
  };
  /** The outline of a range of cells, following the warped grid (a point every quarter cell). */
  const cellsRing = ([i0, j0, i1, j1]: CellRange, insetCells = 0): number[][] => {
    const [x0, y0, x1, y1] = [i0 + insetCells, j0 + insetCells, i1 + 1 - insetCells, j1 + 1 - insetCells];
    const ring: LocalPointM[] = [];
    const steps = (a: number, b: number) => Math.max(1, Math.round(Math.abs(b - a) * 4));
    const edge = (ax: number, ay: number, bx: number, by: number) => {
      const n = steps(ax + ay, bx + by);
      for (let k = 0; k < n; k++) ring.push(gridPoint(ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n));
    };
    edge(x0, y0, x1, y0);
    edge(x1, y0, x1, y1);
    edge(x1, y1, x0, y1);
    edge(x0, y1, x0, y0);
    const positions = ring.map(lonLat);
    positions.push([...(positions[0] as number[])]);
    return positions;
  };
  const polygon = (
    id: string,
    cells: CellRange,
    properties: Record<string, string | number>,
    insetCells = 0,
  ): CatalogueFeature => ({
    type: 'Feature',
    id,
    properties,
    geometry: { type: 'Polygon', coordinates: [cellsRing(cells, insetCells)] },
  });
  const point = (
    id: string,
    at: LocalPointM,
    properties: Record<string, string | number>,
  ): CatalogueFeature => ({
    type: 'Feature',
    id,
    properties,
    geometry: { type: 'Point', coordinates: lonLat(at) },
  });
  const blockCentre = (i: number, j: number): LocalPointM => centroid(network.blockOfCell(i, j).ring);
  const url = (name: string) => `/data/${cityId}/catalogue/${name}.geojson`;
  const common = { source: SOURCE, licence: LICENCE, updated: UPDATED, synthetic: true, visible: false };

  // Fibre rollout: areas of the town by status, as a broadband office reports them.
  const broadbandAreas: [string, CellRange, 'in Betrieb' | 'im Bau' | 'geplant', string][] = [
    ['Altstadt', [5, 4, 8, 7], 'in Betrieb', '2024-06-30'],
    ['Bahnhof', [9, 4, 10, 7], 'in Betrieb', '2025-03-31'],
    ['Flugfeld', [11, 4, 13, 9], 'in Betrieb', '2023-11-30'],
    ['Hulb', [0, 0, 3, 5], 'im Bau', '2027-06-30'],
    ['Süd', [4, 0, 8, 3], 'im Bau', '2027-03-31'],
    ['Diezenhalde', [9, 0, 13, 3], 'im Bau', '2027-09-30'],
    ['West', [0, 6, 4, 12], 'geplant', '2028-12-31'],
    ['Nord', [5, 8, 10, 12], 'geplant', '2028-06-30'],
    ['Nordost', [11, 10, 13, 12], 'geplant', '2029-06-30'],
  ];
  const broadband = broadbandAreas.map(([name, cells, status, ready], k) => {
    const [i0, j0, i1, j1] = cells;
    const households = (i1 - i0 + 1) * (j1 - j0 + 1) * (name === 'Hulb' ? 6 : 38);
    return polygon(`ftth-${k + 1}`, cells, {
      name: `Glasfaser ${name}`,
      status,
      haushalte: households,
      fertigstellung: ready,
      technik: 'FTTH',
    });
  });

  // LoRaWAN gateways on tall buildings, and the coverage they give (a TTN-Mapper-like grid of cells).
  const gatewayPlans: [string, number, number, number][] = [
    ['Rathaus', 7, 5, 28],
    ['Kongresshalle', 8, 8, 22],
    ['Hulb Gewerbe', 2, 3, 18],
    ['Diezenhalde Hochhaus', 12, 1, 42],
    ['Flugfeld Motorworld', 12, 7, 30],
    ['Rauher Kapf', 5, 11, 36],
  ];
  const gateways = gatewayPlans.map(([name, i, j, heightM], k) =>
    point(`gw-${k + 1}`, blockCentre(i, j), {
      name: `Gateway ${name}`,
      betreiber: 'Stadtwerke (Demo)',
      netz: 'LoRaWAN 868 MHz',
      hoehe_m: heightM,
    }),
  );
  const gatewayPoints = gatewayPlans.map(([, i, j]) => blockCentre(i, j));
  const coverage: CatalogueFeature[] = [];
  const cellM = 130;
  const [minX, maxX] = [GRID_X_M[0] as number, GRID_X_M[GRID_X_M.length - 1] as number];
  const [minY, maxY] = [GRID_Y_M[0] as number, GRID_Y_M[GRID_Y_M.length - 1] as number];
  for (let y = minY; y < maxY; y += cellM) {
    for (let x = minX; x < maxX; x += cellM) {
      const centre = warpGridPoint(x + cellM / 2, y + cellM / 2);
      let nearestM = Infinity;
      for (const g of gatewayPoints)
        nearestM = Math.min(nearestM, Math.hypot(g[0] - centre[0], g[1] - centre[1]));
      // A log-distance path loss: about -90 dBm at 100 m, -112 dBm at 500 m, -121 dBm at 1 km.
      const rssiDbm = Math.round(-60 - 30 * Math.log10(Math.max(nearestM, 10) / 10));
      if (rssiDbm < -125) continue;
      const corners: LocalPointM[] = [
        warpGridPoint(x, y),
        warpGridPoint(x + cellM, y),
        warpGridPoint(x + cellM, y + cellM),
        warpGridPoint(x, y + cellM),
      ];
      const ring = corners.map(lonLat);
      ring.push([...(ring[0] as number[])]);
      coverage.push({
        type: 'Feature',
        id: `cov-${coverage.length + 1}`,
        properties: { rssi_dbm: rssiDbm },
        geometry: { type: 'Polygon', coordinates: [ring] },
      });
    }
  }

  // Primary-school districts, each with its school.
  const schoolPlaces = new Map(LANDMARKS.filter((l) => l.use === 'school').map((l) => [l.name, l.cell]));
  const schoolDistricts: [string, string, CellRange, readonly [number, number]][] = [
    ['West', 'Murkenbachschule', [0, 0, 4, 12], schoolPlaces.get('Murkenbachschule') ?? [4, 3]],
    ['Mitte', 'Grundschule Altstadt', [5, 0, 8, 6], [6, 4]],
    ['Ost', 'Eichendorffschule', [9, 0, 13, 6], schoolPlaces.get('Eichendorffschule') ?? [11, 2]],
    ['Nord', 'Grundschule Rauher Kapf', [5, 7, 13, 12], [7, 10]],
  ];
  const schools = schoolDistricts.flatMap(([district, school, cells, [i, j]], k) => [
    polygon(`gsb-${k + 1}`, cells, {
      name: `Grundschulbezirk ${district}`,
      bezirk: district,
      schule: school,
    }),
    point(`gs-${k + 1}`, blockCentre(i, j), { name: school, bezirk: district, schulart: 'Grundschule' }),
  ]);

  // Reallabore: test areas with a start and an end, shown only while they run.
  const reallabore: [string, string, CellRange, string, string][] = [
    ['Mobilität Elbenplatz', 'Mobilität', [6, 4, 7, 5], '2025-04-01', '2027-12-31'],
    ['Klimaanpassung am See', 'Klima', [5, 7, 8, 8], '2026-05-01', '2028-04-30'],
    ['Smart Parking Diezenhalde', 'Parken', [11, 0, 13, 1], '2026-01-15', '2026-10-31'],
    ['Logistik-Hub Hulb', 'Mobilität', [1, 2, 2, 3], '2027-03-01', '2028-02-29'],
  ];
  const reallabor = reallabore.map(([name, topic, cells, start, end], k) =>
    polygon(`rl-${k + 1}`, cells, { name: `Reallabor ${name}`, thema: topic, start, ende: end }, 0.08),
  );

  // A draft Bebauungsplan in the north-east: plots of the street blocks with PlanZV land-use classes.
  const planBlocks = new Map<number, { ring: readonly LocalPointM[]; use: string }>();
  for (let i = 10; i <= 13; i++) {
    for (let j = 10; j <= 12; j++) {
      const block = network.blockOfCell(i, j);
      if (planBlocks.has(block.index)) continue;
      const use =
        block.zone === 'park' ? 'Grünfläche' : j === 12 ? 'WA' : i === 13 ? 'GE' : j === 10 ? 'MI' : 'WA';
      planBlocks.set(block.index, { ring: block.ring, use });
    }
  }
  const landUseNames: Record<string, string> = {
    WA: 'Allgemeines Wohngebiet',
    MI: 'Mischgebiet',
    GE: 'Gewerbegebiet',
    Grünfläche: 'Öffentliche Grünfläche',
  };
  const bplan: CatalogueFeature[] = [...planBlocks.values()].map(({ ring, use }, k) => {
    const positions = ring.map(lonLat);
    positions.push([...(positions[0] as number[])]);
    return {
      type: 'Feature',
      id: `bp-${k + 1}`,
      properties: { nutzung: use, bezeichnung: landUseNames[use] ?? use, plan: 'BP 2026/07 Nordost' },
      geometry: { type: 'Polygon', coordinates: [positions] },
    };
  });
  bplan.push(
    polygon(
      'bp-geltungsbereich',
      [10, 10, 13, 12],
      {
        nutzung: 'Geltungsbereich',
        bezeichnung: 'Bebauungsplan „Nordost“ (Entwurf)',
        plan: 'BP 2026/07 Nordost',
      },
      -0.08,
    ),
  );

  // Road works on main roads, each a line along the closed stretch and a point with its sign.
  const works: [string, number, string, string, string][] = [
    ['Herrenberger Straße', 3, 'Vollsperrung', '2026-11-02', '2027-03-26'],
    ['Bahnhofstraße', 1, 'halbseitige Sperrung', '2026-09-14', '2027-01-29'],
    ['Calwer Straße', 1, 'halbseitige Sperrung', '2027-04-12', '2027-07-30'],
    ['Wolfgang-Brumme-Allee', 9, 'Vollsperrung', '2026-06-01', '2026-08-28'],
    ['Hanns-Klemm-Straße', 2, 'Baustelle am Rand', '2026-10-05', '2027-06-30'],
    ['Sindelfinger Straße', 7, 'halbseitige Sperrung', '2027-02-01', '2027-05-28'],
  ];
  const roadworks = works.flatMap(([roadName, offset, kind, from, to], k): CatalogueFeature[] => {
    const road = MAJOR_ROADS.find((r) => r.name === roadName);
    const edge = road && network.edgeAt(road.orientation, road.line, road.from + offset);
    if (!edge) throw new Error(`road works ${roadName}: no edge ${offset} on that road`);
    const properties = {
      name: `${roadName}: ${kind}`,
      art: kind,
      von: from,
      bis: to,
      traeger: k % 2 === 0 ? 'Stadtwerke (Demo)' : 'Tiefbauamt (Demo)',
    };
    // Two edges where the road goes on: a closure spans a junction, and a longer line reads better.
    const next =
      road && road.from + offset + 1 < road.to
        ? network.edgeAt(road.orientation, road.line, road.from + offset + 1)
        : undefined;
    const points = next ? [...edge.points, ...next.points.slice(1)] : edge.points;
    const middle = pointAlong(points, polylineLengthM(points) / 2).point;
    return [
      {
        type: 'Feature',
        id: `bs-${k + 1}`,
        properties,
        geometry: { type: 'LineString', coordinates: points.map(lonLat) },
      },
      {
        type: 'Feature',
        id: `bs-${k + 1}-p`,
        properties,
        geometry: { type: 'Point', coordinates: lonLat(middle) },
      },
    ];
  });

  const files: CatalogueFile[] = [
    { fileName: 'catalogue/broadband.geojson', features: broadband },
    { fileName: 'catalogue/lorawan-gateways.geojson', features: gateways },
    { fileName: 'catalogue/lorawan-coverage.geojson', features: coverage },
    { fileName: 'catalogue/school-districts.geojson', features: schools },
    { fileName: 'catalogue/reallabore.geojson', features: reallabor },
    { fileName: 'catalogue/bebauungsplan.geojson', features: bplan },
    { fileName: 'catalogue/roadworks.geojson', features: roadworks },
  ];

  const layers: LayerEntryInput[] = [
    {
      ...common,
      id: 'broadband',
      type: 'geojson',
      group: 'infrastructure',
      title: { de: 'Glasfaserausbau', en: 'Fibre rollout' },
      description: {
        de: 'Wo Glasfaser bis ins Haus schon liegt, gebaut wird oder geplant ist, mit dem Tag der Fertigstellung.',
        en: 'Where fibre to the home is in service, being built or planned, with the completion date.',
      },
      url: url('broadband'),
      opacity: 0.8,
      style: {
        lineWidth: 2,
        label: 'name',
        byProperty: {
          property: 'status',
          values: {
            'in Betrieb': {
              color: '#1a8f4c',
              fillColor: '#1fa85a80',
              label: { de: 'In Betrieb', en: 'In service' },
            },
            'im Bau': {
              color: '#b8900c',
              fillColor: '#f0c41980',
              label: { de: 'Im Bau', en: 'Under construction' },
            },
            geplant: { color: '#2569a8', fillColor: '#2f86d666', label: { de: 'Geplant', en: 'Planned' } },
          },
        },
      },
    },
    {
      ...common,
      id: 'lorawan-gateways',
      type: 'geojson',
      group: 'infrastructure',
      title: { de: 'LoRaWAN-Gateways', en: 'LoRaWAN gateways' },
      description: {
        de: 'Funkempfänger des städtischen Sensornetzes auf hohen Gebäuden.',
        en: "Radio receivers of the town's sensor network on tall buildings.",
      },
      url: url('lorawan-gateways'),
      style: { color: '#6a4fc8', icon: 'antenna', pointSize: 12, label: 'name', cluster: true },
    },
    {
      ...common,
      id: 'lorawan-coverage',
      type: 'geojson',
      group: 'infrastructure',
      title: { de: 'LoRaWAN-Abdeckung', en: 'LoRaWAN coverage' },
      description: {
        de: 'Wie stark das Funksignal der Gateways ankommt (berechnet, nicht gemessen).',
        en: 'How strong the gateways’ radio signal is (computed, not measured).',
      },
      url: url('lorawan-coverage'),
      opacity: 0.8,
      style: {
        lineWidth: 0.5,
        byProperty: {
          property: 'rssi_dbm',
          ranges: [
            {
              min: -105,
              color: '#1fa85a40',
              fillColor: '#1a9e50a6',
              label: { de: 'Gut (ab −105 dBm)', en: 'Good (−105 dBm and more)' },
            },
            {
              min: -115,
              max: -105,
              color: '#f0c41940',
              fillColor: '#f5b800a6',
              label: { de: 'Mittel', en: 'Fair' },
            },
            {
              max: -115,
              color: '#d7263d40',
              fillColor: '#d7263d99',
              label: { de: 'Schwach (unter −115 dBm)', en: 'Weak (below −115 dBm)' },
            },
          ],
        },
      },
    },
    {
      ...common,
      id: 'school-districts',
      type: 'geojson',
      group: 'education',
      title: { de: 'Grundschulbezirke', en: 'Primary school districts' },
      description: {
        de: 'Welche Grundschule für welche Straßen zuständig ist.',
        en: 'Which primary school serves which streets.',
      },
      url: url('school-districts'),
      opacity: 0.8,
      style: {
        icon: 'school',
        pointSize: 12,
        lineWidth: 2.5,
        label: 'name',
        byProperty: {
          property: 'bezirk',
          values: {
            West: {
              color: '#c2571a',
              fillColor: '#f07f1333',
              label: { de: 'Bezirk West', en: 'West district' },
            },
            Mitte: {
              color: '#7a3fa0',
              fillColor: '#a45fd133',
              label: { de: 'Bezirk Mitte', en: 'Centre district' },
            },
            Ost: {
              color: '#1f7a8c',
              fillColor: '#2fb0c933',
              label: { de: 'Bezirk Ost', en: 'East district' },
            },
            Nord: {
              color: '#5b7a1f',
              fillColor: '#8cbf2f33',
              label: { de: 'Bezirk Nord', en: 'North district' },
            },
          },
        },
      },
    },
    {
      ...common,
      id: 'reallabore',
      type: 'geojson',
      group: 'planning',
      title: { de: 'Reallabore', en: 'Urban test areas (Reallabore)' },
      description: {
        de: 'Gebiete, in denen die Stadt Neues auf Zeit ausprobiert. Sichtbar nur, solange sie laufen; die Zeitleiste zeigt andere Zeiträume.',
        en: 'Areas where the town tries new things for a while. Shown only while they run; the timeline shows other periods.',
      },
      url: url('reallabore'),
      time: { fromProperty: 'start', toProperty: 'ende' },
      style: {
        lineWidth: 3,
        label: 'name',
        byProperty: {
          property: 'thema',
          values: {
            Mobilität: {
              color: '#2f86d6',
              fillColor: '#2f86d680',
              label: { de: 'Mobilität', en: 'Mobility' },
            },
            Klima: {
              color: '#1fa85a',
              fillColor: '#1fa85a80',
              label: { de: 'Klimaanpassung', en: 'Climate adaptation' },
            },
            Parken: { color: '#d95f9e', fillColor: '#d95f9e80', label: { de: 'Parken', en: 'Parking' } },
          },
        },
      },
    },
    {
      ...common,
      id: 'bebauungsplan',
      type: 'geojson',
      group: 'planning',
      title: { de: 'Bebauungsplan „Nordost“ (Entwurf)', en: 'Land-use plan “Nordost” (draft)' },
      description: {
        de: 'Was auf welcher Fläche gebaut werden darf, in den Farben eines deutschen Bebauungsplans.',
        en: 'What may be built where, in the colours of a German land-use plan.',
      },
      url: url('bebauungsplan'),
      opacity: 0.85,
      style: {
        lineWidth: 1.5,
        label: 'nutzung',
        byProperty: {
          property: 'nutzung',
          values: {
            WA: {
              color: '#b5474b',
              fillColor: '#e8878acc',
              label: { de: 'WA – Allgemeines Wohngebiet', en: 'WA – general residential' },
            },
            MI: {
              color: '#8a5a2b',
              fillColor: '#c79a6bcc',
              label: { de: 'MI – Mischgebiet', en: 'MI – mixed use' },
            },
            GE: {
              color: '#5f5f5f',
              fillColor: '#a6a6a6cc',
              label: { de: 'GE – Gewerbegebiet', en: 'GE – commercial' },
            },
            Grünfläche: {
              color: '#3f8a2f',
              fillColor: '#7cc46acc',
              label: { de: 'Grünfläche', en: 'Green space' },
            },
            Geltungsbereich: {
              color: '#111111',
              lineWidth: 4,
              label: { de: 'Geltungsbereich', en: 'Plan boundary' },
            },
          },
        },
      },
    },
    {
      ...common,
      id: 'roadworks',
      type: 'geojson',
      group: 'planning',
      title: { de: 'Baustellen', en: 'Road works' },
      description: {
        de: 'Baustellen und Sperrungen auf Hauptstraßen, jeweils für ihren Zeitraum. Die Zeitleiste zeigt vergangene und kommende.',
        en: 'Road works and closures on main roads, each for its period. The timeline shows past and coming ones.',
      },
      url: url('roadworks'),
      visible: false,
      time: { fromProperty: 'von', toProperty: 'bis' },
      style: {
        icon: 'works',
        pointSize: 11,
        label: 'name',
        byProperty: {
          property: 'art',
          values: {
            Vollsperrung: {
              color: '#d7263d',
              lineWidth: 7,
              label: { de: 'Vollsperrung', en: 'Road closed' },
            },
            'halbseitige Sperrung': {
              color: '#f07f13',
              lineWidth: 6,
              label: { de: 'Halbseitig gesperrt', en: 'One side closed' },
            },
            'Baustelle am Rand': {
              color: '#f0c419',
              lineWidth: 5,
              label: { de: 'Baustelle am Rand', en: 'Works at the roadside' },
            },
          },
        },
      },
    },
  ];
  return { files, layers };
}
