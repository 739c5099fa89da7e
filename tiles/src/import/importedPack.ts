/**
 * Turns an importer's result into the files of a city pack (docs/city-pack.md, "Imported packs and
 * real surfaces"). Pure: no file access; `writeImportedPack` writes what this returns. The output is
 * deterministic: the same result gives byte-identical files.
 */
import type { CityManifest, LayerEntryInput } from '../../../protocol/index.ts';
import type { BuildingProperties } from '../../../protocol/packFeatures.ts';
import { mapBuildingUse } from './buildingUse.ts';
import type {
  ImportedBuilding,
  ImportProblem,
  ImportResult,
  LonLatHeight,
  PolygonRings,
  RoofShape,
} from './importedBuilding.ts';

/** Used when a building has no height, no surfaces and no storeys to derive one from. */
export const DEFAULT_HEIGHT_M = 6;
/** Storey height for deriving heights from storeys and storeys from heights. */
export const METRES_PER_STOREY = 3;
/** Pitch of the home view: the same oblique look as the demo pack. */
export const HOME_VIEW_PITCH_DEG = -35;
/**
 * The home view is never lower than this: a single house (an LoD2 sample, one block) is then seen
 * from about 90 m, whole and filling a good part of the view.
 */
const MIN_HOME_VIEW_HEIGHT_M = 50;
/** Camera height per metre of the extent's larger side: keeps the whole extent in a ~60° view. */
const HOME_VIEW_HEIGHT_PER_EXTENT_M = 0.8;
const METRES_PER_DEGREE_LAT = 111_320;
/** 8 decimals of a degree are about 1 mm: exact enough, and stable text. */
const DEGREE_DECIMALS = 8;
const HEIGHT_DECIMALS = 3;
/** Ground heights in footprints: centimetres (a DEM is no finer). */
const GROUND_DECIMALS = 2;

/** What the pack is named and where its data came from. */
export interface ImportedPackMeta {
  cityId: string;
  /** Defaults to the city id. */
  name?: string;
  /** The source file's name (no folders), for the attribution. */
  sourceFileName: string;
  /**
   * Where the footprints' vertices get their ground height, when the pack has terrain (decision
   * 0013); without it footprints are 2D and the buildings stand on the ellipsoid (decision 0002).
   */
  footprintGround?: FootprintGround;
}

/**
 * `source`: the building's own `groundHeightM` (CityGML, CityJSON); `dem`: sampled from the pack's
 * DEM at each vertex (OpenStreetMap, which has no heights).
 */
export type FootprintGround =
  | { readonly from: 'source' }
  | { readonly from: 'dem'; readonly groundAt: (lonDeg: number, latDeg: number) => number | null };

/** The files of an imported pack, by file name, and what was left out. */
export interface ImportedPackFiles {
  /** File name → text; `buildings.surfaces.jsonl` only when a building has surfaces. */
  files: Map<string, string>;
  buildingCount: number;
  /** Buildings with LoD2 (or finer) surfaces. */
  lod2Count: number;
  /** Buildings or rings dropped here because the pack loader would reject them. */
  problems: ImportProblem[];
}

type LonLat = [lon: number, lat: number] | [lon: number, lat: number, groundHeightM: number];

/** A `buildings.geojson` feature's properties as importers write them (docs/city-pack.md). */
export type ImportedBuildingProperties = BuildingProperties;

const roundTo = (value: number, decimals: number): number => {
  const rounded = Number(value.toFixed(decimals));
  // -0 would print as 0 anyway, but keeps equality checks honest.
  return rounded === 0 ? 0 : rounded;
};

/** CityGML/CityJSON `roofType` codes (SIG3D/AdV list) that have an OSM-style name. */
export const ROOF_TYPE_CODES: Readonly<Record<string, RoofShape>> = {
  '1000': 'flat',
  '1010': 'skillion',
  '1030': 'gabled',
  '1040': 'hipped',
  '1070': 'pyramidal',
  '1090': 'dome',
};

/** Twice the signed planar area of a ring in degrees (positive when counter-clockwise). */
function signedArea2(ring: readonly LonLat[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i += 1) {
    const a = ring[i];
    const b = ring[i + 1];
    if (a && b) sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/**
 * A ring as `[lon, lat]` (or `[lon, lat, groundHeightM]` where `groundAt` gives one), rounded, with
 * repeated points removed and closed; undefined when fewer than three distinct corners or no area
 * are left (the loader needs four positions and a closed ring).
 */
function cleanRing(
  ring: readonly LonLatHeight[],
  groundAt?: (lonDeg: number, latDeg: number) => number | null,
): LonLat[] | undefined {
  const out: LonLat[] = [];
  for (const [lon, lat] of ring) {
    const lonDeg = roundTo(lon, DEGREE_DECIMALS);
    const latDeg = roundTo(lat, DEGREE_DECIMALS);
    const groundM = groundAt?.(lonDeg, latDeg) ?? null;
    const point: LonLat =
      groundM === null || !Number.isFinite(groundM)
        ? [lonDeg, latDeg]
        : [lonDeg, latDeg, roundTo(groundM, GROUND_DECIMALS)];
    const last = out[out.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([...first]);
  if (out.length < 4 || signedArea2(out) === 0) return undefined;
  return out;
}

/** RFC 7946 orientation: exterior counter-clockwise, holes clockwise. */
function oriented(ring: LonLat[], exterior: boolean): LonLat[] {
  return signedArea2(ring) > 0 === exterior ? ring : [...ring].reverse();
}

/** The area of a cleaned polygon (exterior minus holes), in square degrees: only compared. */
function polygonArea(polygon: readonly LonLat[][]): number {
  const [exterior, ...holes] = polygon;
  if (!exterior) return 0;
  return Math.abs(signedArea2(exterior)) - holes.reduce((sum, hole) => sum + Math.abs(signedArea2(hole)), 0);
}

/**
 * The footprint polygon of a building for `buildings.geojson`. A footprint of several polygons
 * (a MultiPolygon) gives its largest one: the pack has one feature per building, and that feature's
 * id is the tileset's `buildingId` and the key of `buildings.surfaces.jsonl`, so splitting it would
 * break both; LoD1/LoD2 buildings are meshed from their surfaces, which keep every part.
 */
function footprintPolygon(
  building: ImportedBuilding,
  report: (message: string) => void,
  ground: FootprintGround | undefined,
): LonLat[][] | undefined {
  const groundAt =
    ground?.from === 'dem'
      ? ground.groundAt
      : ground?.from === 'source'
        ? () => building.groundHeightM
        : undefined;
  let best: LonLat[][] | undefined;
  let bestArea = -Infinity;
  building.footprint.forEach((polygon: PolygonRings, index) => {
    const [exteriorRing, ...holeRings] = polygon;
    const exterior = exteriorRing ? cleanRing(exteriorRing, groundAt) : undefined;
    if (!exterior) {
      report(`footprint polygon ${index} is degenerate (fewer than 3 distinct corners or no area): dropped`);
      return;
    }
    const holes: LonLat[][] = [];
    holeRings.forEach((holeRing, holeIndex) => {
      const hole = cleanRing(holeRing, groundAt);
      if (hole) holes.push(oriented(hole, false));
      else report(`hole ${holeIndex} of footprint polygon ${index} is degenerate: dropped`);
    });
    const candidate = [oriented(exterior, true), ...holes];
    const area = polygonArea(candidate);
    if (area > bestArea) {
      best = candidate;
      bestArea = area;
    }
  });
  return best;
}

/** Height above ground and whether it was guessed; see docs/city-pack.md. */
function heightOf(building: ImportedBuilding): { heightM: number; estimated: boolean } {
  if (building.heightM !== undefined && Number.isFinite(building.heightM) && building.heightM > 0)
    return { heightM: building.heightM, estimated: false };
  let top = -Infinity;
  for (const surface of building.surfaces)
    for (const ring of surface.polygon) for (const point of ring) top = Math.max(top, point[2]);
  const fromSurfaces = top - building.groundHeightM;
  if (Number.isFinite(fromSurfaces) && fromSurfaces > 0) return { heightM: fromSurfaces, estimated: false };
  if (building.storeys !== undefined && building.storeys >= 1)
    return { heightM: building.storeys * METRES_PER_STOREY, estimated: false };
  return { heightM: DEFAULT_HEIGHT_M, estimated: true };
}

/** The feature properties of one building; optional ones only when known. */
export function buildingProperties(building: ImportedBuilding): ImportedBuildingProperties {
  const { heightM: rawHeightM, estimated } = heightOf(building);
  // Rounded to centimetres, but never to 0: the loader needs a positive height.
  const heightM = Math.max(0.01, roundTo(rawHeightM, 2));
  const storeys =
    building.storeys !== undefined && Number.isInteger(building.storeys) && building.storeys >= 1
      ? building.storeys
      : Math.max(1, Math.round(heightM / METRES_PER_STOREY));
  const properties: ImportedBuildingProperties = {
    id: building.id,
    heightM,
    storeys,
    use: mapBuildingUse(building.use),
  };
  if (estimated) properties.heightEstimated = true;
  const sourceUse = building.use?.trim();
  if (sourceUse) properties.sourceUse = sourceUse;
  const name = building.name?.trim();
  if (name) properties.name = name;
  if (building.yearOfConstruction !== undefined && Number.isInteger(building.yearOfConstruction))
    properties.yearOfConstruction = building.yearOfConstruction;
  const roofType = building.attributes['roofType'];
  const roofShape =
    building.roofShape ?? (roofType === undefined ? undefined : ROOF_TYPE_CODES[String(roofType)]);
  if (roofShape) properties.roofShape = roofShape;
  // Rounded like heightM; left out unless they fit under it, as the tiles build would ignore them.
  const roofHeightM = building.roofHeightM === undefined ? undefined : roundTo(building.roofHeightM, 2);
  if (roofHeightM !== undefined && Number.isFinite(roofHeightM) && roofHeightM > 0 && roofHeightM < heightM)
    properties.roofHeightM = roofHeightM;
  const minHeightM = building.minHeightM === undefined ? undefined : roundTo(building.minHeightM, 2);
  if (minHeightM !== undefined && Number.isFinite(minHeightM) && minHeightM > 0 && minHeightM < heightM)
    properties.minHeightM = minHeightM;
  properties.lod = building.lod;
  if (building.parentId) properties.parentId = building.parentId;
  return properties;
}

/** One line of `buildings.surfaces.jsonl` (docs/city-pack.md). */
function surfacesLine(building: ImportedBuilding): string {
  const round = ([lon, lat, heightM]: LonLatHeight): LonLatHeight => [
    roundTo(lon, DEGREE_DECIMALS),
    roundTo(lat, DEGREE_DECIMALS),
    roundTo(heightM, HEIGHT_DECIMALS),
  ];
  return JSON.stringify({
    id: building.id,
    lod: building.lod,
    groundHeightM: roundTo(building.groundHeightM, HEIGHT_DECIMALS),
    surfaces: building.surfaces.map((surface) => ({
      kind: surface.kind,
      polygon: surface.polygon.map((ring) => ring.map(round)),
    })),
  });
}

/** The home view: looking north at the extent's centre from the south, high enough to see all of it. */
function manifestOf(meta: ImportedPackMeta, extent: [LonLat, LonLat]): CityManifest {
  const [[west, south], [east, north]] = extent;
  const centreLon = (west + east) / 2;
  const centreLat = (south + north) / 2;
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((centreLat * Math.PI) / 180);
  const extentM = Math.max((east - west) * metresPerDegreeLon, (north - south) * METRES_PER_DEGREE_LAT);
  const heightM = Math.max(MIN_HOME_VIEW_HEIGHT_M, Math.round(extentM * HOME_VIEW_HEIGHT_PER_EXTENT_M));
  const southOffsetM = heightM / Math.tan((-HOME_VIEW_PITCH_DEG * Math.PI) / 180);
  return {
    id: meta.cityId,
    name: meta.name ?? meta.cityId,
    synthetic: false,
    centre: [roundTo(centreLon, 6), roundTo(centreLat, 6)],
    homeView: {
      lon: roundTo(centreLon, 6),
      lat: roundTo(centreLat - southOffsetM / METRES_PER_DEGREE_LAT, 6),
      heightM,
      headingDeg: 0,
      pitchDeg: HOME_VIEW_PITCH_DEG,
    },
    crs: 'EPSG:4326',
    timezone: 'Europe/Berlin',
    attribution: `Imported from ${meta.sourceFileName}`,
  };
}

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const EMPTY_COLLECTION = pretty({ type: 'FeatureCollection', features: [] });

/**
 * The pack files for an import result. Buildings whose footprint has no valid polygon, and repeated
 * ids, are left out with a problem each; when none is left, `files` is empty and nothing should be
 * written.
 */
export function importedPackFiles(result: ImportResult, meta: ImportedPackMeta): ImportedPackFiles {
  const problems: ImportProblem[] = [];
  const featureLines: string[] = [];
  const surfaceLines: string[] = [];
  const seen = new Set<string>();
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  let lod2Count = 0;
  for (const building of result.buildings) {
    const report = (message: string) =>
      problems.push({ file: meta.sourceFileName, objectId: building.id, message });
    if (seen.has(building.id)) {
      report('duplicate id: the first one was kept');
      continue;
    }
    const polygon = footprintPolygon(building, report, meta.footprintGround);
    if (!polygon) {
      report('no valid footprint polygon: building skipped');
      continue;
    }
    seen.add(building.id);
    for (const [lon, lat] of polygon[0] ?? []) {
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
    const properties = buildingProperties(building);
    featureLines.push(
      JSON.stringify({
        type: 'Feature',
        id: building.id,
        properties,
        geometry: { type: 'Polygon', coordinates: polygon },
      }),
    );
    if (building.surfaces.length > 0) {
      surfaceLines.push(surfacesLine(building));
      if (building.lod >= 2) lod2Count += 1;
    }
  }
  const files = new Map<string, string>();
  if (featureLines.length === 0) return { files, buildingCount: 0, lod2Count: 0, problems };

  const layers: LayerEntryInput[] = [
    {
      id: 'buildings',
      type: 'tileset',
      title: { de: 'Gebäude', en: 'Buildings' },
      url: `/tiles/${meta.cityId}/tileset.json`,
      visible: true,
    },
  ];
  files.set(
    'city.json',
    pretty(
      manifestOf(meta, [
        [west, south],
        [east, north],
      ]),
    ),
  );
  // One feature per line, like the demo pack: diffable and still valid GeoJSON.
  files.set(
    'buildings.geojson',
    `{"type":"FeatureCollection","features":[\n${featureLines.join(',\n')}\n]}\n`,
  );
  if (surfaceLines.length > 0) files.set('buildings.surfaces.jsonl', `${surfaceLines.join('\n')}\n`);
  files.set('roads.geojson', EMPTY_COLLECTION);
  files.set('basins.geojson', EMPTY_COLLECTION);
  files.set('sensors.json', pretty({ sensors: [] }));
  files.set('layers.json', pretty({ layers }));
  return { files, buildingCount: featureLines.length, lod2Count, problems };
}
