/**
 * Builds a 3D Tiles 1.1 tileset from a city pack's buildings: real boundary surfaces where the pack
 * has them (`buildings.surfaces.jsonl`), other footprints extruded with three.js, merged per leaf of a k-d tree into one GLB each, with per-building feature ids and metadata.
 *
 * Output in `outDir`: `tileset.json`, `content/<tile>.glb` and `build-info.json` (written last, so a
 * build that fails half-way is never mistaken for a finished one).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BufferGeometry } from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';
import type { Building, FeatureCollection } from './buildingFeatures.ts';
import { parseBuildings } from './buildingFeatures.ts';
import type { SurfaceRecord } from './buildingSurfaces.ts';
import { sha256File, SURFACES_FILE } from './buildingSurfaces.ts';
import { writeBuildingTileGlb } from './buildingTileGlb.ts';
import { extrudeFootprint, normalizeFootprintRings } from './extrudeFootprint.ts';
import type { EnuFrame, EnuM, LonLatHeightDeg, Vec3 } from './geodesy.ts';
import { createEnuFrame, ecefDirectionToEnu, geodeticToEnu, geodeticUpEcef } from './geodesy.ts';
import type { Bounds, SpatialItem, TreeNode } from './spatialTree.ts';
import { buildSpatialTree, listLeaves } from './spatialTree.ts';
import type { SurfacePolygon } from './surfaceMesh.ts';
import { meshSurfaces } from './surfaceMesh.ts';
import { MAX_FEATURES_PER_TILE, mergeTileMesh } from './tileMesh.ts';
import { countTiles, createTilesetJson } from './tilesetJson.ts';

/**
 * Version of the builder's output format. Bump it whenever the same input would give different
 * files (geometry, metadata, tree, JSON layout), so existing builds are no longer "up to date".
 */
export const TILES_BUILDER_VERSION = 4;

/** Default leaf size: a few hundred buildings per GLB keeps draw calls low and tiles ~100-300 kB. */
export const DEFAULT_MAX_BUILDINGS_PER_TILE = 500;

/** File names inside the output folder. */
export const TILESET_FILE = 'tileset.json';
export const BUILD_INFO_FILE = 'build-info.json';
export const CONTENT_DIR = 'content';

/** Options of {@link buildTileset}. */
export interface BuildTilesetOptions {
  /** The parsed `buildings.geojson` (checked again here; errors name the feature and field). */
  readonly buildings: FeatureCollection;
  /** Folder to write into; created if missing. The builder owns `content/*.glb` inside it. */
  readonly outDir: string;
  /** Recorded in build-info.json. */
  readonly cityId?: string;
  /** Called with the number of buildings written so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Most buildings per leaf tile; default {@link DEFAULT_MAX_BUILDINGS_PER_TILE}. */
  readonly maxBuildingsPerTile?: number;
  /**
   * sha256 (hex) of the buildings file the collection was parsed from, recorded in build-info.json
   * so {@link isTilesetUpToDate} can compare it. Defaults to the sha256 of the collection's JSON,
   * which never matches a file hash: a caller without the file always rebuilds.
   */
  readonly sourceSha256?: string;
  /** Names the input in error messages, e.g. `data/boeblingen-demo/buildings.geojson`. */
  readonly sourceLabel?: string;
  /**
   * Real boundary surfaces by building id (`buildings.surfaces.jsonl`, see `readSurfacesFile`). A
   * building with a record is meshed from its surfaces; the others are extruded.
   */
  readonly surfaces?: ReadonlyMap<string, SurfaceRecord>;
  /**
   * sha256 (hex) of the surfaces file, recorded in build-info.json like {@link sourceSha256}.
   * Defaults to a hash of the records, which never matches a file hash.
   */
  readonly surfacesSha256?: string;
  /**
   * The pack's terrain, when it has a DEM (decision 0013): every building then stands on its own
   * ground instead of on the ellipsoid.
   */
  readonly terrain?: TilesetTerrain;
}

/** What the tiles build needs of a pack's terrain. */
export interface TilesetTerrain {
  /** sha256 (hex) of the DEM file, recorded in build-info.json: a changed DEM rebuilds the tiles. */
  readonly demSha256: string;
  /** Ground height at a point, for footprints that carry none (OSM); null off the DEM. */
  readonly groundAt: (lonDeg: number, latDeg: number) => number | null;
}

/** A boundary surface that could not be meshed (too small, no distinct points). */
export interface SkippedSurface {
  readonly buildingId: string;
  /** Index of the surface within the building's surfaces record. */
  readonly surfaceIndex: number;
  readonly reason: string;
}

/** A footprint, or a part of one, that could not be extruded. */
export interface SkippedFootprint {
  readonly buildingId: string;
  /** Index of the polygon within the feature (MultiPolygon parts). */
  readonly polygonIndex: number;
  readonly reason: string;
  /** True when the whole building was left out (no part could be extruded). */
  readonly buildingDropped: boolean;
}

/** What {@link buildTileset} wrote. */
export interface BuildTilesetResult {
  readonly tilesetPath: string;
  readonly outDir: string;
  /** Tiles in tileset.json, inner tiles included. */
  readonly tileCount: number;
  /** GLB files written (one per leaf). */
  readonly contentCount: number;
  /** Buildings in the tileset (each one feature). */
  readonly featureCount: number;
  readonly skipped: readonly SkippedFootprint[];
  /** Surfaces left out; a building none of whose surfaces could be meshed is extruded instead. */
  readonly skippedSurfaces: readonly SkippedSurface[];
  /** Buildings meshed from their real surfaces rather than extruded. */
  readonly surfaceBuildingCount: number;
  /**
   * Roof fields not used as given, one message each: bad `roofShape`, `roofHeightM` or `minHeightM`
   * values (ignored), and pitched roofs built flat (footprints with holes). The buildings are in.
   */
  readonly roofWarnings: readonly string[];
  /** Size of tileset.json plus all GLBs. */
  readonly totalBytes: number;
  /** Origin of the tileset's ENU frame: the centre of the buildings' bounding box, on the ellipsoid. */
  readonly origin: LonLatHeightDeg;
  readonly buildingsSha256: string;
  /** Present when the build had surfaces. */
  readonly surfacesSha256?: string;
}

/** Contents of build-info.json. */
export interface BuildInfo {
  readonly builderVersion: number;
  readonly buildingsSha256: string;
  /** sha256 of `buildings.surfaces.jsonl`; absent when the build had none. */
  readonly surfacesSha256?: string;
  /** sha256 of the pack's `dem.tif`; absent when the build had no terrain. */
  readonly demSha256?: string;
  readonly maxBuildingsPerTile: number;
  readonly cityId?: string;
  readonly featureCount: number;
  readonly tileCount: number;
  readonly contentUris: readonly string[];
  readonly origin: LonLatHeightDeg;
}

/** A building ready for the tree: projected, cleaned parts and tight bounds. */
interface PreparedBuilding extends SpatialItem {
  readonly building: Building;
  readonly upEnu: Vec3;
  /** Footprint polygons in ENU, `[outline, ...holes]` each, only the parts that can be extruded. */
  readonly parts: readonly (readonly (readonly EnuM[])[])[];
  /**
   * The mesh of the building's real surfaces, when it has any that can be meshed. Made while
   * preparing because the bounds need it; extrusions are made per leaf to keep memory low.
   */
  readonly surfaceGeometry?: BufferGeometry;
}

/**
 * A building's surfaces in the ENU frame: at their source heights where the pack has terrain
 * (decision 0013), else with their `groundHeightM` at ellipsoid height 0 (decision 0002).
 */
function surfacesToEnu(record: SurfaceRecord, frame: EnuFrame, onTerrain: boolean): SurfacePolygon[] {
  const offsetM = onTerrain ? 0 : record.groundHeightM;
  return record.surfaces.map((surface) => ({
    kind: surface.kind,
    rings: surface.polygon.map((ring) =>
      ring.map(([lonDeg, latDeg, heightM]) => geodeticToEnu(frame, [lonDeg, latDeg, heightM - offsetM])),
    ),
  }));
}

/**
 * Height of an extruded building's foot: 0 without terrain (decision 0002); with terrain the lowest
 * ground under its outline (decision 0013), from the footprint's own heights or, where it has none
 * (OSM), sampled from the DEM at its outline vertices. The lowest point, so that on a slope the
 * building is sunk into the hill on its upper side rather than floating on its lower one.
 */
export function buildingBaseHeightM(building: Building, terrain: TilesetTerrain | undefined): number {
  if (!terrain) return 0;
  if (building.groundHeightM !== undefined) return building.groundHeightM;
  let lowest = Infinity;
  for (const polygon of building.polygons) {
    for (const [lonDeg, latDeg] of polygon[0] ?? []) {
      const groundM = terrain.groundAt(lonDeg, latDeg);
      if (groundM !== null) lowest = Math.min(lowest, groundM);
    }
  }
  return Number.isFinite(lowest) ? lowest : 0;
}

/** Axis-aligned bounds of a geometry's positions. */
function geometryBounds(geometry: BufferGeometry): Bounds {
  const minM: [number, number, number] = [Infinity, Infinity, Infinity];
  const maxM: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const values = geometry.getAttribute('position').array;
  for (let i = 0; i < values.length; i++) {
    const axis = i % 3;
    const value = values[i] ?? 0;
    minM[axis] = Math.min(minM[axis] ?? Infinity, value);
    maxM[axis] = Math.max(maxM[axis] ?? -Infinity, value);
  }
  return { minM, maxM };
}

/** sha256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Centre of the lon/lat bounding box of all footprints, at height 0 on the ellipsoid. Packs are
 * town-sized, far from the antimeridian, so a plain min/max box is the right centre.
 */
export function footprintCentre(buildings: readonly Building[]): LonLatHeightDeg {
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const building of buildings) {
    for (const polygon of building.polygons) {
      for (const ring of polygon) {
        for (const [lonDeg, latDeg] of ring) {
          minLon = Math.min(minLon, lonDeg);
          maxLon = Math.max(maxLon, lonDeg);
          minLat = Math.min(minLat, latDeg);
          maxLat = Math.max(maxLat, latDeg);
        }
      }
    }
  }
  if (!Number.isFinite(minLon)) throw new Error('no building coordinates to centre the tileset on');
  return [(minLon + maxLon) / 2, (minLat + maxLat) / 2, 0];
}

/** Projects one building and drops parts that cannot be extruded. */
function prepareBuilding(
  building: Building,
  frame: EnuFrame,
  skipped: SkippedFootprint[],
  surfaceRecord: SurfaceRecord | undefined,
  skippedSurfaces: SkippedSurface[],
  terrain: TilesetTerrain | undefined,
): PreparedBuilding | undefined {
  const [centreLonDeg, centreLatDeg] = footprintCentre([building]);
  const upEnu = ecefDirectionToEnu(frame, geodeticUpEcef(centreLonDeg, centreLatDeg));

  if (surfaceRecord) {
    const { geometry, dropped } = meshSurfaces(
      surfacesToEnu(surfaceRecord, frame, terrain !== undefined),
      upEnu,
    );
    for (const { surfaceIndex, reason } of dropped)
      skippedSurfaces.push({ buildingId: building.id, surfaceIndex, reason });
    if (geometry) {
      const bounds = geometryBounds(geometry);
      const { minM, maxM } = bounds;
      return {
        id: building.id,
        centreM: [(minM[0] + maxM[0]) / 2, (minM[1] + maxM[1]) / 2],
        bounds,
        building,
        upEnu,
        parts: [],
        surfaceGeometry: geometry,
      };
    }
  }

  const groundM = buildingBaseHeightM(building, terrain);
  const parts: (readonly (readonly EnuM[])[])[] = [];
  const failures: { polygonIndex: number; reason: string }[] = [];
  for (const [polygonIndex, polygon] of building.polygons.entries()) {
    const rings = polygon.map((ring) =>
      ring.map(([lonDeg, latDeg]) => geodeticToEnu(frame, [lonDeg, latDeg, groundM])),
    );
    const normalized = normalizeFootprintRings(rings);
    if (normalized.ok) parts.push([normalized.outline, ...normalized.holes]);
    else failures.push({ polygonIndex, reason: normalized.reason });
  }
  const buildingDropped = parts.length === 0;
  for (const failure of failures) skipped.push({ buildingId: building.id, ...failure, buildingDropped });
  if (buildingDropped) return undefined;

  // Bounds of what extrusion will produce: ring points lifted to the walls' foot and to heightM. Every
  // vertex, roof shapes included, is a ring point or a point between ring points lifted to a height
  // in that range, so it lies in this box; for flat roofs the box is exact.
  const baseM = building.minHeightM ?? 0;
  const minM: [number, number, number] = [Infinity, Infinity, Infinity];
  const maxM: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const part of parts) {
    for (const ring of part) {
      for (const point of ring) {
        for (const lift of [baseM, building.heightM]) {
          for (let axis = 0; axis < 3; axis++) {
            const value = (point[axis] ?? 0) + (upEnu[axis] ?? 0) * lift;
            minM[axis] = Math.min(minM[axis] ?? Infinity, value);
            maxM[axis] = Math.max(maxM[axis] ?? -Infinity, value);
          }
        }
      }
    }
  }
  const bounds: Bounds = { minM, maxM };
  return {
    id: building.id,
    centreM: [(minM[0] + maxM[0]) / 2, (minM[1] + maxM[1]) / 2],
    bounds,
    building,
    upEnu,
    parts,
  };
}

/**
 * The building's geometry: its parts extruded (with their roof shape) and, for MultiPolygons, merged.
 * Roofs not built as asked are reported in `roofWarnings`.
 */
function buildingGeometry(prepared: PreparedBuilding, roofWarnings: string[]): BufferGeometry {
  if (prepared.surfaceGeometry) return prepared.surfaceGeometry;
  const { heightM, roofShape, roofHeightM, minHeightM } = prepared.building;
  const geometries = prepared.parts.map((rings, partIndex) => {
    const result = extrudeFootprint({
      rings,
      heightM,
      roofShape,
      roofHeightM,
      minHeightM,
      upEnu: prepared.upEnu,
    });
    if (!result.ok) throw new Error(`building ${prepared.id} part ${partIndex}: ${result.reason}`);
    if (result.roofNote) roofWarnings.push(`building ${prepared.id} part ${partIndex}: ${result.roofNote}`);
    return result.geometry;
  });
  const [single] = geometries;
  if (geometries.length === 1 && single) return single;
  const merged = mergeGeometries(geometries);
  if (!merged) throw new Error(`building ${prepared.id}: three.js could not merge its parts`);
  return merged;
}

/** Content URI of a leaf, relative to tileset.json. */
function contentUriOf(leaf: TreeNode<PreparedBuilding>): string {
  return `${CONTENT_DIR}/${leaf.path}.glb`;
}

/**
 * Builds the tileset of a city pack's buildings into `outDir`.
 *
 * Deterministic: the same input and options give byte-identical files.
 *
 * @throws BuildingsInputError when the collection breaks the city-pack contract.
 */
export async function buildTileset(options: BuildTilesetOptions): Promise<BuildTilesetResult> {
  const { outDir, onProgress, cityId } = options;
  const maxBuildingsPerTile = options.maxBuildingsPerTile ?? DEFAULT_MAX_BUILDINGS_PER_TILE;
  if (
    !Number.isInteger(maxBuildingsPerTile) ||
    maxBuildingsPerTile < 1 ||
    maxBuildingsPerTile > MAX_FEATURES_PER_TILE
  ) {
    throw new Error(
      `maxBuildingsPerTile must be an integer in 1..${MAX_FEATURES_PER_TILE}, got ${maxBuildingsPerTile}`,
    );
  }
  const buildingsSha256 = options.sourceSha256 ?? sha256Hex(JSON.stringify(options.buildings));
  const roofWarnings: string[] = [];
  const buildings = parseBuildings(options.buildings, options.sourceLabel, roofWarnings);
  if (buildings.length === 0) throw new Error(`${options.sourceLabel ?? 'buildings'}: no buildings to tile`);

  const origin = footprintCentre(buildings);
  const frame = createEnuFrame(origin);
  const skipped: SkippedFootprint[] = [];
  const skippedSurfaces: SkippedSurface[] = [];
  const surfaces = options.surfaces;
  const surfacesSha256 = surfaces
    ? (options.surfacesSha256 ?? sha256Hex(JSON.stringify([...surfaces.entries()])))
    : undefined;
  const prepared = buildings
    .map((building) =>
      prepareBuilding(building, frame, skipped, surfaces?.get(building.id), skippedSurfaces, options.terrain),
    )
    .filter((item): item is PreparedBuilding => item !== undefined);
  if (prepared.length === 0)
    throw new Error(`${options.sourceLabel ?? 'buildings'}: no footprint can be extruded`);
  const tree = buildSpatialTree(prepared, maxBuildingsPerTile);
  const leaves = listLeaves(tree);

  await mkdir(join(outDir, CONTENT_DIR), { recursive: true });
  await rm(join(outDir, BUILD_INFO_FILE), { force: true });

  const total = prepared.length;
  let done = 0;
  let totalBytes = 0;
  onProgress?.(done, total);
  for (const leaf of leaves) {
    const mesh = mergeTileMesh(leaf.items.map((item) => buildingGeometry(item, roofWarnings)));
    const rows = leaf.items.map(({ building }) => building);
    const glb = await writeBuildingTileGlb(mesh, rows, leaf.path);
    await writeFile(join(outDir, contentUriOf(leaf)), glb);
    totalBytes += glb.byteLength;
    done += leaf.items.length;
    onProgress?.(done, total);
  }

  const demSha256 = options.terrain?.demSha256;
  const inputHash =
    surfacesSha256 || demSha256
      ? sha256Hex(`${buildingsSha256}+${surfacesSha256 ?? ''}${demSha256 ? `+${demSha256}` : ''}`)
      : buildingsSha256;
  const tilesetVersion = `${TILES_BUILDER_VERSION}-${inputHash.slice(0, 16)}`;
  const tileset = createTilesetJson(tree, {
    enuToEcefMatrix: frame.enuToEcefMatrix,
    contentUri: contentUriOf,
    tilesetVersion,
  });
  const tilesetText = `${JSON.stringify(tileset)}\n`;
  const tilesetPath = join(outDir, TILESET_FILE);
  await writeFile(tilesetPath, tilesetText);
  totalBytes += Buffer.byteLength(tilesetText);

  // Tiles of an earlier build that this one did not write would only confuse whoever looks.
  const contentUris = leaves.map(contentUriOf);
  const written = new Set(contentUris.map((uri) => uri.slice(CONTENT_DIR.length + 1)));
  for (const file of await readdir(join(outDir, CONTENT_DIR))) {
    if (file.endsWith('.glb') && !written.has(file))
      await rm(join(outDir, CONTENT_DIR, file), { force: true });
  }

  const tileCount = countTiles(tileset.root);
  const buildInfo: BuildInfo = {
    builderVersion: TILES_BUILDER_VERSION,
    buildingsSha256,
    ...(surfacesSha256 ? { surfacesSha256 } : {}),
    ...(demSha256 ? { demSha256 } : {}),
    maxBuildingsPerTile,
    ...(cityId ? { cityId } : {}),
    featureCount: prepared.length,
    tileCount,
    contentUris,
    origin,
  };
  await writeFile(join(outDir, BUILD_INFO_FILE), `${JSON.stringify(buildInfo, null, 2)}\n`);

  return {
    tilesetPath,
    outDir,
    tileCount,
    contentCount: leaves.length,
    featureCount: prepared.length,
    skipped,
    skippedSurfaces,
    surfaceBuildingCount: prepared.filter((item) => item.surfaceGeometry !== undefined).length,
    roofWarnings,
    totalBytes,
    origin,
    buildingsSha256,
    ...(surfacesSha256 ? { surfacesSha256 } : {}),
  };
}

async function readBuildInfo(outDir: string): Promise<Partial<BuildInfo> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(outDir, BUILD_INFO_FILE), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<BuildInfo>) : undefined;
  } catch {
    return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * True when `outDir` holds a complete build of exactly this buildings file by this builder version
 * (and leaf size): build-info.json matches the file's sha256 and that of the surfaces file (by
 * default `buildings.surfaces.jsonl` next to it; both absent also matches), and tileset.json and
 * every GLB exist. Any unreadable or missing piece counts as out of date.
 */
export async function isTilesetUpToDate(
  buildingsPath: string,
  outDir: string,
  options: {
    readonly maxBuildingsPerTile?: number;
    readonly surfacesPath?: string;
    /** sha256 of the pack's DEM, or undefined when it has none (the build must match either way). */
    readonly demSha256?: string | undefined;
  } = {},
): Promise<boolean> {
  const info = await readBuildInfo(outDir);
  if (!info || info.builderVersion !== TILES_BUILDER_VERSION) return false;
  if (info.maxBuildingsPerTile !== (options.maxBuildingsPerTile ?? DEFAULT_MAX_BUILDINGS_PER_TILE))
    return false;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(buildingsPath);
  } catch {
    return false;
  }
  if (info.buildingsSha256 !== sha256Hex(bytes)) return false;
  const surfacesPath = options.surfacesPath ?? join(dirname(buildingsPath), SURFACES_FILE);
  let surfacesSha256: string | undefined;
  try {
    surfacesSha256 = (await isFile(surfacesPath)) ? await sha256File(surfacesPath) : undefined;
  } catch {
    return false;
  }
  if (info.surfacesSha256 !== surfacesSha256) return false;
  if (info.demSha256 !== options.demSha256) return false;
  if (!Array.isArray(info.contentUris) || !(await isFile(join(outDir, TILESET_FILE)))) return false;
  for (const uri of info.contentUris) {
    if (typeof uri !== 'string' || !(await isFile(join(outDir, uri)))) return false;
  }
  return true;
}
