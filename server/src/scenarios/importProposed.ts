/**
 * Proposed buildings from a planner's file: CityGML, CityJSON (or CityJSONSeq), GLB or glTF. City
 * models are read with the tiles importers (their CRS, or placed at a point the planner picked when
 * they have none); each building keeps its real shape as a mesh, and its footprint, heights,
 * storeys, roof and use are derived from it for the shadows, the figures and the list. A glTF model
 * has no place on Earth: it stands where the planner picked, turned and scaled as asked, its lowest
 * point on the ground, and its footprint is the convex hull of its shape seen from above.
 *
 * Heights come out above the building's own ground (decision 0013): the viewer places a proposal
 * on the town's ground, the terrain where the pack has one, the ellipsoid where it has none.
 */
import {
  createEnuFrame,
  ecefToGeodetic,
  enuToEcef,
  geodeticToEnu,
  type EnuFrame,
} from '../../../tiles/src/geodesy.ts';
import { mapBuildingUse } from '../../../tiles/src/import/buildingUse.ts';
import { importCityGml } from '../../../tiles/src/import/citygml/importCityGml.ts';
import { importCityJson, importCityJsonSeq } from '../../../tiles/src/import/cityjson/importCityJson.ts';
import { detectFormat, UnknownFormatError } from '../../../tiles/src/import/detectFormat.ts';
import type {
  ImportedBuilding,
  ImportResult,
  PolygonRings,
} from '../../../tiles/src/import/importedBuilding.ts';
import { ROOF_TYPE_CODES } from '../../../tiles/src/import/importedPack.ts';
import { convexHull } from '../../../tiles/src/roofShapes.ts';
import { meshSurfaces, type SurfacePolygon } from '../../../tiles/src/surfaceMesh.ts';
import type {
  BuildingUse,
  ImportFormat,
  ImportNote,
  ProposedBuildingInput,
  ProposedMesh,
  ScenarioImportResult,
} from '../../../protocol/index.ts';
import { BUILDING_USES, MAX_MESH_TRIANGLES } from '../../../protocol/index.ts';
import { GltfShapeError, readGltfShape } from './gltfShape.ts';

/** A file that cannot be imported at all, with the reason. */
export class ScenarioImportError extends Error {
  override readonly name = 'ScenarioImportError';
}

export interface ImportRequest {
  readonly bytes: Uint8Array;
  /** The file's name (its extension helps tell CityJSONSeq from CityJSON). */
  readonly fileName: string;
  /** Where a glTF model stands, or where a city model without a CRS has its (0, 0). */
  readonly place?: { readonly lon: number; readonly lat: number };
  /** glTF: the turn of the model's north (−z) clockwise from true north, degrees. */
  readonly headingDeg?: number;
  /** glTF: metres per model unit (1 for models in metres). */
  readonly scale?: number;
  /** A CRS given by the planner (`EPSG:25832`), winning over what the file says. */
  readonly crs?: string;
  /** glTF: the use and storeys of the model (a city model says them itself). */
  readonly use?: BuildingUse;
  readonly storeys?: number;
}

/** Storey height assumed where a file gives none. */
const STOREY_M = 3;
/** A roof rising less than this above its eaves is flat. */
const FLAT_ROOF_M = 0.3;
/** The most buildings one import brings (a variant holds at most 500). */
const MAX_BUILDINGS = 500;

type Ring = [number, number][];

const round2 = (value: number) => Math.round(value * 100) / 100;
const round7 = (value: number) => Math.round(value * 1e7) / 1e7;

/** A variant building id from a source id: lower-case letters, digits and -, at most 64. */
function idFrom(sourceId: string, taken: Set<string>): string {
  const base =
    sourceId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(-50) || 'building';
  let id = `imp-${base}`;
  for (let n = 2; taken.has(id); n += 1) id = `imp-${base}-${n}`;
  taken.add(id);
  return id;
}

/** Which importer reads the file: glTF by its bytes, city models by the tiles' detector. */
export function formatOf(bytes: Uint8Array, fileName: string): ImportFormat | 'cityjsonseq' {
  if (
    bytes.byteLength >= 4 &&
    bytes[0] === 0x67 &&
    bytes[1] === 0x6c &&
    bytes[2] === 0x54 &&
    bytes[3] === 0x46
  )
    return 'glb';
  const head = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  if (
    /^\s*\{/.test(head) &&
    /"asset"\s*:\s*\{/.test(head) &&
    !/"CityObjects"|"type"\s*:\s*"CityJSON/.test(head)
  )
    return 'gltf';
  let detected: string;
  try {
    detected = detectFormat(fileName, bytes.subarray(0, 64 * 1024));
  } catch (error) {
    if (error instanceof UnknownFormatError)
      throw new ScenarioImportError(`${error.message} (or a GLB / glTF model)`);
    throw error;
  }
  if (detected === 'citygml' || detected === 'cityjson' || detected === 'cityjsonseq') return detected;
  throw new ScenarioImportError(
    `${fileName} is OpenStreetMap data, not a proposed building; import CityGML, CityJSON, GLB or glTF`,
  );
}

/** Reads a file into proposed buildings. Throws {@link ScenarioImportError} when nothing can be read. */
export async function importProposedBuildings(request: ImportRequest): Promise<ScenarioImportResult> {
  const format = formatOf(request.bytes, request.fileName);
  if (format === 'glb' || format === 'gltf') return importGltf(request, format);
  const text = new TextDecoder().decode(request.bytes);
  const options = {
    fileLabel: request.fileName,
    ...(request.crs !== undefined ? { crs: request.crs } : {}),
    ...(request.place !== undefined ? { localOrigin: request.place } : {}),
  };
  let result: ImportResult;
  if (format === 'citygml') result = await importCityGml(text, options);
  else if (format === 'cityjson') result = importCityJson(text, options);
  else result = await importCityJsonSeq(text.split(/\r?\n/), options);
  const notes: ImportNote[] = result.problems.map((p) => ({
    ...(p.objectId !== undefined ? { objectId: p.objectId } : {}),
    message: p.message,
  }));
  if (result.buildings.length === 0) {
    const why = notes[0]?.message ?? 'the file holds no buildings';
    throw new ScenarioImportError(`no building could be imported from ${request.fileName}: ${why}`);
  }
  const sourceFormat = format === 'citygml' ? 'citygml' : 'cityjson';
  const withParts = new Set(result.buildings.flatMap((b) => (b.parentId !== undefined ? [b.parentId] : [])));
  const taken = new Set<string>();
  const buildings: ProposedBuildingInput[] = [];
  for (const source of result.buildings) {
    // A building made of parts with no shape of its own is shown by its parts.
    if (withParts.has(source.id) && source.surfaces.length === 0 && source.footprint.length === 0) continue;
    if (buildings.length >= MAX_BUILDINGS) {
      notes.push({ message: `only the first ${MAX_BUILDINGS} buildings were imported` });
      break;
    }
    const converted = fromCityModel(source, notes);
    if (converted === null) continue;
    buildings.push({
      ...converted,
      id: idFrom(source.id, taken),
      source: {
        format: sourceFormat,
        file: request.fileName.slice(0, 200),
        objectId: source.id.slice(0, 200),
      },
    });
  }
  if (buildings.length === 0) {
    throw new ScenarioImportError(
      `no building of ${request.fileName} could be used: ${notes[notes.length - 1]?.message ?? 'none has a footprint'}`,
    );
  }
  return { format: sourceFormat, buildings, notes, sourceCrs: result.sourceCrs };
}

/** Twice the signed area of a ring of `[x, y]` (positive counter-clockwise). */
function twiceArea(ring: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    sum +=
      (ring[j] as readonly [number, number])[0] * (ring[i] as readonly [number, number])[1] -
      (ring[i] as readonly [number, number])[0] * (ring[j] as readonly [number, number])[1];
  return sum;
}

/** The outer ring of the largest footprint polygon, closed, in degrees. */
function outerRing(footprint: readonly PolygonRings[]): Ring | null {
  let best: Ring | null = null;
  let bestArea = 0;
  for (const polygon of footprint) {
    const outer = polygon[0];
    if (!outer || outer.length < 4) continue;
    const ring: Ring = outer.map(([lon, lat]) => [round7(lon), round7(lat)]);
    const area = Math.abs(twiceArea(ring));
    if (area > bestArea) {
      best = ring;
      bestArea = area;
    }
  }
  if (best === null) return null;
  const first = best[0] as [number, number];
  const last = best[best.length - 1] as [number, number];
  if (first[0] !== last[0] || first[1] !== last[1]) best.push([first[0], first[1]]);
  return best.length >= 4 ? best : null;
}

function meshOf(
  positions: ArrayLike<number>,
  indices: ArrayLike<number>,
  origin: [number, number],
): ProposedMesh {
  return { origin, positions: Array.from(positions, round2), indices: Array.from(indices) };
}

function roofTypeOf(source: ImportedBuilding): ProposedBuildingInput['roof'] {
  const code = source.attributes['roofType'];
  const shape = source.roofShape ?? (code === undefined ? undefined : ROOF_TYPE_CODES[String(code)]);
  if (shape === 'flat') return 'flat';
  if (shape === 'skillion') return 'shed';
  if (shape === 'hipped' || shape === 'pyramidal') return 'hipped';
  return 'gabled';
}

/** A city model's building as a proposed one; null (with a note) when it has no usable shape. */
function fromCityModel(
  source: ImportedBuilding,
  notes: ImportNote[],
): Omit<ProposedBuildingInput, 'id' | 'source'> | null {
  const footprint = outerRing(source.footprint);
  if (footprint === null) {
    notes.push({ objectId: source.id, message: 'no footprint: left out' });
    return null;
  }
  const origin = footprint[0] as [number, number];
  const frame = createEnuFrame([origin[0], origin[1], 0]);
  // Proposed buildings are kept relative to their ground (the mesh's z 0 is where the building
  // stands, as the protocol says); the viewer stands them on the lowest ground under their
  // footprint, on the terrain where the town has one (decision 0013). The file's own ground height
  // is not kept: it is in the file's datum, and a design's ground may not be the DEM's.
  const ground = source.groundHeightM;
  const polygons: SurfacePolygon[] = source.surfaces.map((surface) => ({
    kind: surface.kind,
    rings: surface.polygon.map((ring) =>
      ring.map(([lon, lat, h]) => geodeticToEnu(frame, [lon, lat, h - ground])),
    ),
  }));
  let mesh: ProposedMesh | undefined;
  let topM: number | undefined;
  let eavesM: number | undefined;
  if (polygons.length > 0) {
    const { geometry, dropped } = meshSurfaces(polygons);
    if (dropped.length > 0)
      notes.push({
        objectId: source.id,
        message: `${dropped.length} surfaces left out: ${dropped[0]?.reason}`,
      });
    if (geometry) {
      const positions = geometry.getAttribute('position').array;
      const index = geometry.getIndex()?.array ?? [];
      let top = 0;
      for (let i = 2; i < positions.length; i += 3) top = Math.max(top, positions[i] as number);
      topM = top;
      // Eaves: the lowest corner of a roof surface (LoD2); an LoD1 block is as high as its top.
      const roofs = polygons.filter((p) => p.kind === 'roof').flatMap((p) => p.rings.flat());
      eavesM = roofs.length > 0 ? Math.min(...roofs.map((p) => p[2])) : top;
      if (index.length / 3 > MAX_MESH_TRIANGLES) {
        notes.push({
          objectId: source.id,
          message: `${index.length / 3} triangles, more than ${MAX_MESH_TRIANGLES}: shown as a block of its footprint`,
        });
      } else {
        mesh = meshOf(positions, index, origin);
      }
    }
  }
  if (topM === undefined) {
    // Footprint only (LoD0): the height the file gives, else its storeys.
    topM = source.heightM ?? (source.storeys !== undefined ? source.storeys * STOREY_M : undefined);
    if (topM === undefined || topM <= 0) {
      notes.push({ objectId: source.id, message: 'a footprint without height or storeys: left out' });
      return null;
    }
    eavesM = source.roofHeightM !== undefined ? topM - source.roofHeightM : topM;
  }
  let eaves = Math.max(0.1, Math.min(eavesM ?? topM, topM));
  let roofHeight = topM - eaves;
  let roof = roofTypeOf(source);
  if (roofHeight < FLAT_ROOF_M) {
    eaves = topM;
    roofHeight = 0;
    roof = 'flat';
  } else if (roof === 'flat') {
    roof = 'gabled';
  }
  const storeys =
    source.storeys !== undefined && Number.isInteger(source.storeys) && source.storeys >= 1
      ? Math.min(200, source.storeys)
      : Math.max(1, Math.round(eaves / STOREY_M));
  return {
    ...(source.name !== undefined ? { name: source.name.slice(0, 120) } : {}),
    footprint,
    eavesHeightM: Math.min(500, round2(Math.max(0.1, eaves))),
    roofHeightM: Math.min(100, round2(roofHeight)),
    roof,
    storeys,
    use: mapBuildingUse(source.use),
    ...(mesh !== undefined ? { mesh } : {}),
  };
}

function toLonLat(frame: EnuFrame, east: number, north: number): [number, number] {
  const [lon, lat] = ecefToGeodetic(enuToEcef(frame, [east, north, 0]));
  return [round7(lon), round7(lat)];
}

function importGltf(request: ImportRequest, format: 'glb' | 'gltf'): ScenarioImportResult {
  if (request.place === undefined) {
    throw new ScenarioImportError(
      `${request.fileName} is a glTF model with no place on Earth: pick on the map where it stands`,
    );
  }
  const scale = request.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new ScenarioImportError(`the scale must be above 0, not ${scale}`);
  const heading = ((request.headingDeg ?? 0) * Math.PI) / 180;
  let shape;
  try {
    shape = readGltfShape(request.bytes);
  } catch (error) {
    if (error instanceof GltfShapeError)
      throw new ScenarioImportError(`${request.fileName}: ${error.message}`);
    throw error;
  }
  const triangles = shape.indices.length / 3;
  if (triangles > MAX_MESH_TRIANGLES) {
    throw new ScenarioImportError(
      `${request.fileName} has ${triangles} triangles, more than ${MAX_MESH_TRIANGLES}: simplify the model (decimate it) and import it again`,
    );
  }
  // glTF axes (x right, y up, z towards the viewer) to east, north, up; scaled, then turned clockwise.
  const cos = Math.cos(heading);
  const sin = Math.sin(heading);
  const count = shape.positions.length / 3;
  const enu = new Float64Array(count * 3);
  let minUp = Infinity;
  for (let i = 0; i < count; i += 1) {
    const e = (shape.positions[i * 3] as number) * scale;
    const n = -(shape.positions[i * 3 + 2] as number) * scale;
    const u = (shape.positions[i * 3 + 1] as number) * scale;
    enu[i * 3] = e * cos + n * sin;
    enu[i * 3 + 1] = -e * sin + n * cos;
    enu[i * 3 + 2] = u;
    minUp = Math.min(minUp, u);
  }
  let top = 0;
  for (let i = 0; i < count; i += 1) {
    enu[i * 3 + 2] = (enu[i * 3 + 2] as number) - minUp;
    top = Math.max(top, enu[i * 3 + 2] as number);
  }
  const extent = Math.max(...Array.from(enu).map(Math.abs));
  if (extent > 5000) {
    throw new ScenarioImportError(
      `${request.fileName} reaches ${Math.round(extent)} m from its origin: is the scale right (1 for metres, 0.01 for centimetres)?`,
    );
  }
  if (top <= 0) throw new ScenarioImportError(`${request.fileName} is flat: it has no height`);
  const hull = convexHull(
    Array.from({ length: count }, (_, i) => [enu[i * 3] as number, enu[i * 3 + 1] as number]),
  );
  if (hull.length < 3) throw new ScenarioImportError(`${request.fileName} covers no area on the ground`);
  const origin: [number, number] = [round7(request.place.lon), round7(request.place.lat)];
  const frame = createEnuFrame([origin[0], origin[1], 0]);
  const footprint = hull.map(([e, n]) => toLonLat(frame, e, n));
  footprint.push([...(footprint[0] as [number, number])]);
  const storeys = request.storeys ?? Math.max(1, Math.round(top / STOREY_M));
  const use = request.use !== undefined && BUILDING_USES.includes(request.use) ? request.use : 'mixed';
  const name = request.fileName.replace(/\.(glb|gltf)$/i, '').slice(0, 120);
  const notes: ImportNote[] = shape.notes.map((message) => ({ message }));
  notes.push({
    message: 'footprint, shadows and floor area use the model’s outline as seen from above (convex hull)',
  });
  return {
    format,
    buildings: [
      {
        id: idFrom(name, new Set()),
        name,
        footprint,
        eavesHeightM: Math.min(500, round2(top)),
        roofHeightM: 0,
        roof: 'flat',
        storeys: Math.min(200, Math.max(1, Math.round(storeys))),
        use,
        mesh: meshOf(enu, shape.indices, origin),
        source: { format, file: request.fileName.slice(0, 200) },
      },
    ],
    notes,
    sourceCrs: 'local',
  };
}
