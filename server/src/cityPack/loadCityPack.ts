/**
 * Loads and checks a city pack folder (docs/city-pack.md) at server start. Every file is read and
 * checked before anything fails, so one run reports every problem: JSON syntax, GeoJSON structure
 * (`geojson-validation`), WGS84 coordinates, the field rules of each layer, the zod schemas of
 * `protocol/` for the JSON files, unique ids, and that every sensor is bound to an object that exists.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CITY_PACK_FILES } from '../../../protocol/packFeatures.ts';
import type { z } from 'zod';
import {
  BasemapCatalogSchema,
  CityManifestSchema,
  LayerCatalogSchema,
  SensorRegistrySchema,
} from '../../../protocol/index.ts';
import type { Basemap, Sensor } from '../../../protocol/index.ts';
import { BASINS_SPEC, BUILDINGS_SPEC, ROADS_SPEC, checkGeoJsonLayer } from './checkGeoJsonLayer.ts';
import type { GeoJsonLayerSpec } from './checkGeoJsonLayer.ts';
import { describeValue, formatProblem, formatProblems } from './cityPackProblem.ts';
import type { CityPackProblem } from './cityPackProblem.ts';
import type {
  BasinCollection,
  BuildingCollection,
  CityPack,
  RoadCollection,
} from '../../../protocol/packFeatures.ts';

/** The pack types, re-exported so callers need only this module. */
export type {
  BasinCollection,
  BasinProperties,
  BuildingCollection,
  BuildingProperties,
  BuildingUse,
  CityPack,
  RoadClass,
  RoadCollection,
  RoadProperties,
} from '../../../protocol/packFeatures.ts';

/** Thrown by `loadCityPack` with every problem of the pack; `message` groups them for people. */
export class CityPackError extends Error {
  override readonly name = 'CityPackError';
  /** Every problem, one line each: `file: feature 12 (b00013): properties.heightM must be …`. */
  readonly problems: readonly string[];

  constructor(
    readonly dir: string,
    problems: readonly CityPackProblem[],
  ) {
    super(formatProblems(dir, problems));
    this.problems = problems.map(formatProblem);
  }
}

export { CITY_PACK_FILES };
type CityPackFileName = (typeof CITY_PACK_FILES)[number];

type JsonFile = { ok: true; value: unknown } | { ok: false; problem: CityPackProblem };

/** Files a pack may have; without them it has none of what they list. */
export const OPTIONAL_CITY_PACK_FILES = ['basemaps.json'] as const;
type OptionalPackFileName = (typeof OPTIONAL_CITY_PACK_FILES)[number];

/**
 * Reads a file and parses it as JSON; a missing file or a syntax error becomes a problem (a missing
 * optional file reads as `missing`).
 */
async function readJson(dir: string, fileName: CityPackFileName): Promise<JsonFile>;
async function readJson(
  dir: string,
  fileName: OptionalPackFileName,
  optional: true,
): Promise<JsonFile | 'missing'>;
async function readJson(
  dir: string,
  fileName: CityPackFileName | OptionalPackFileName,
  optional = false,
): Promise<JsonFile | 'missing'> {
  let text: string;
  try {
    text = await readFile(join(dir, fileName), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return 'missing';
    const message = code === 'ENOENT' ? 'file is missing' : `cannot be read (${(error as Error).message})`;
    return { ok: false, problem: { file: fileName, message, kind: 'read' } };
  }
  try {
    // A byte-order mark is legal in a UTF-8 file but not in JSON.parse.
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return {
      ok: false,
      problem: {
        file: fileName,
        message: `is not valid JSON: ${jsonErrorText(error, text)}`,
        kind: 'syntax',
      },
    };
  }
}

/** The parser's message with a line and column, which Node 20's messages only give as an offset. */
function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = /position (\d+)/.exec(message)?.[1];
  if (offset === undefined) return message;
  const before = text.slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = Number(offset) - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Turns zod issues into problems. `itemLabel` names the array item an issue is in (`sensor 3
 * (parking-elbenplatz)`), so the message points at it like a feature.
 */
function zodProblems(
  fileName: string,
  error: z.ZodError,
  itemLabel?: { arrayKey: string; noun: string; items: unknown },
): CityPackProblem[] {
  return error.issues.map((issue) => {
    let path = issue.path.map(String);
    let where: string | undefined;
    if (itemLabel && path[0] === itemLabel.arrayKey && typeof issue.path[1] === 'number') {
      const index = issue.path[1];
      const item = Array.isArray(itemLabel.items) ? (itemLabel.items[index] as unknown) : undefined;
      const id =
        typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string'
          ? item.id
          : 'no id';
      where = `${itemLabel.noun} ${index} (${id})`;
      path = path.slice(2);
    }
    const field = path.length > 0 ? `${path.join('.')}: ` : '';
    return {
      file: fileName,
      where,
      message: `${field}${issue.message}`,
      kind: `schema:${path.join('.')}:${issue.code}`,
    };
  });
}

/** Checks that every sensor is bound to an existing object of the right kind and has a unique id. */
function sensorReferenceProblems(
  sensors: readonly Sensor[],
  buildings: Map<string, Record<string, unknown>> | undefined,
  roads: Map<string, Record<string, unknown>> | undefined,
  basins: Map<string, Record<string, unknown>> | undefined,
): CityPackProblem[] {
  const problems: CityPackProblem[] = [];
  const firstIndexOfId = new Map<string, number>();
  sensors.forEach((sensor, index) => {
    const add = (message: string, kind: string) =>
      problems.push({ file: 'sensors.json', where: `sensor ${index} (${sensor.id})`, message, kind });
    const first = firstIndexOfId.get(sensor.id);
    if (first !== undefined)
      add(`id ${describeValue(sensor.id)} is already used by sensor ${first}`, 'duplicate-id');
    else firstIndexOfId.set(sensor.id, index);

    const { type, id } = sensor.object;
    // A layer that failed its own checks cannot answer; its problems are reported already.
    if (type === 'building' && buildings) {
      const building = buildings.get(id);
      if (!building)
        add(`object.id ${describeValue(id)} is not a building in buildings.geojson`, 'unknown-building');
      else if (sensor.kind === 'parking' && building.use !== 'parking') {
        add(
          `object.id ${describeValue(id)} is a building with use ${describeValue(building.use)}; a parking sensor needs use "parking"`,
          'not-parking',
        );
      }
    } else if (type === 'road' && roads) {
      if (!roads.has(id))
        add(`object.id ${describeValue(id)} is not a road segment in roads.geojson`, 'unknown-road');
    } else if (type === 'site' && sensor.kind === 'water' && basins) {
      // Environment stations are sites of their own; a water sensor's site is its basin.
      if (!basins.has(id))
        add(`object.id ${describeValue(id)} is not a basin in basins.geojson`, 'unknown-basin');
    }
  });
  return problems;
}

function duplicateLayerProblems(layers: readonly { id: string }[]): CityPackProblem[] {
  const problems: CityPackProblem[] = [];
  const firstIndexOfId = new Map<string, number>();
  layers.forEach((layer, index) => {
    const first = firstIndexOfId.get(layer.id);
    if (first === undefined) firstIndexOfId.set(layer.id, index);
    else {
      problems.push({
        file: 'layers.json',
        where: `layer ${index} (${layer.id})`,
        message: `id ${describeValue(layer.id)} is already used by layer ${first}`,
        kind: 'duplicate-id',
      });
    }
  });
  return problems;
}

/**
 * Loads the city pack in `dir` and checks all of it.
 * @throws CityPackError listing every problem (file, feature index and id, field) if anything is wrong.
 */
export async function loadCityPack(dir: string): Promise<CityPack> {
  const folder = await stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new CityPackError(dir, [
      { file: dir, message: 'is not a folder (no city pack here)', kind: 'folder' },
    ]);
  }
  const files = await Promise.all(CITY_PACK_FILES.map((fileName) => readJson(dir, fileName)));
  const [cityFile, buildingsFile, roadsFile, basinsFile, sensorsFile, layersFile] = files as [
    JsonFile,
    JsonFile,
    JsonFile,
    JsonFile,
    JsonFile,
    JsonFile,
  ];
  const problems: CityPackProblem[] = [];
  const report = (file: JsonFile) => {
    if (!file.ok) problems.push(file.problem);
  };

  report(cityFile);
  const city = cityFile.ok ? CityManifestSchema.safeParse(cityFile.value) : undefined;
  if (city && !city.success) problems.push(...zodProblems('city.json', city.error));

  const checkLayer = (spec: GeoJsonLayerSpec, file: JsonFile) => {
    report(file);
    if (!file.ok) return undefined;
    const check = checkGeoJsonLayer(spec, file.value);
    problems.push(...check.problems);
    return { valid: check.problems.length === 0, value: file.value, featuresById: check.featuresById };
  };
  const buildings = checkLayer(BUILDINGS_SPEC, buildingsFile);
  const roads = checkLayer(ROADS_SPEC, roadsFile);
  const basins = checkLayer(BASINS_SPEC, basinsFile);

  report(sensorsFile);
  const sensors = sensorsFile.ok ? SensorRegistrySchema.safeParse(sensorsFile.value) : undefined;
  if (sensorsFile.ok && sensors && !sensors.success) {
    const items = (sensorsFile.value as { sensors?: unknown } | null)?.sensors;
    problems.push(
      ...zodProblems('sensors.json', sensors.error, { arrayKey: 'sensors', noun: 'sensor', items }),
    );
  }
  if (sensors?.success) {
    problems.push(
      ...sensorReferenceProblems(
        sensors.data.sensors,
        buildings?.featuresById,
        roads?.featuresById,
        basins?.featuresById,
      ),
    );
  }

  report(layersFile);
  const layers = layersFile.ok ? LayerCatalogSchema.safeParse(layersFile.value) : undefined;
  if (layersFile.ok && layers && !layers.success) {
    const items = (layersFile.value as { layers?: unknown } | null)?.layers;
    problems.push(...zodProblems('layers.json', layers.error, { arrayKey: 'layers', noun: 'layer', items }));
  }
  if (layers?.success) problems.push(...duplicateLayerProblems(layers.data.layers));

  const basemapsFile = await readJson(dir, 'basemaps.json', true);
  let basemaps: Basemap[] = [];
  if (basemapsFile !== 'missing') {
    report(basemapsFile);
    const parsed = basemapsFile.ok ? BasemapCatalogSchema.safeParse(basemapsFile.value) : undefined;
    if (basemapsFile.ok && parsed && !parsed.success) {
      const items = (basemapsFile.value as { basemaps?: unknown } | null)?.basemaps;
      problems.push(
        ...zodProblems('basemaps.json', parsed.error, { arrayKey: 'basemaps', noun: 'basemap', items }),
      );
    }
    if (parsed?.success) basemaps = parsed.data.basemaps;
  }

  if (
    problems.length > 0 ||
    !city?.success ||
    !sensors?.success ||
    !layers?.success ||
    !buildings?.valid ||
    !roads?.valid ||
    !basins?.valid
  ) {
    throw new CityPackError(dir, problems);
  }
  return {
    dir,
    city: city.data,
    // The layer checks above established the shapes these types describe.
    buildings: buildings.value as BuildingCollection,
    roads: roads.value as RoadCollection,
    basins: basins.value as BasinCollection,
    sensors: sensors.data.sensors,
    layers: layers.data.layers,
    groups: layers.data.groups,
    basemaps,
  };
}
