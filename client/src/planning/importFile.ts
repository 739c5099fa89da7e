/**
 * Sends a planner's file (CityGML, CityJSON, GLB, glTF) to the server, which reads it into proposed
 * buildings (`POST /api/v1/cities/:cityId/scenario-imports`); nothing is kept there.
 */
import type { BuildingUse, ScenarioImportResult } from '../../../protocol/index.ts';

export interface ImportFileOptions {
  /** Where a glTF model stands, or the origin of a city model without a CRS. */
  readonly place?: readonly [number, number] | undefined;
  readonly headingDeg?: number | undefined;
  readonly scale?: number | undefined;
  readonly crs?: string | undefined;
  readonly use?: BuildingUse | undefined;
}

/** Whether a file is a glTF model by its name (those need a place, a heading and a scale). */
export function isModelFile(name: string): boolean {
  return /\.(glb|gltf)$/i.test(name);
}

/** The query of an import request. */
export function importQuery(fileName: string, options: ImportFileOptions): string {
  const query = new URLSearchParams({ name: fileName });
  if (options.place) {
    query.set('lon', String(options.place[0]));
    query.set('lat', String(options.place[1]));
  }
  if (options.headingDeg !== undefined) query.set('heading', String(options.headingDeg));
  if (options.scale !== undefined) query.set('scale', String(options.scale));
  if (options.crs !== undefined && options.crs.trim() !== '') query.set('crs', options.crs.trim());
  if (options.use !== undefined) query.set('use', options.use);
  return query.toString();
}

export async function importScenarioFile(
  cityId: string,
  accessKey: string | undefined,
  file: Blob & { readonly name: string },
  options: ImportFileOptions,
): Promise<ScenarioImportResult> {
  const response = await fetch(
    `/api/v1/cities/${encodeURIComponent(cityId)}/scenario-imports?${importQuery(file.name, options)}`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/octet-stream',
        ...(accessKey !== undefined ? { Authorization: `Bearer ${accessKey}` } : {}),
      },
      body: file,
    },
  );
  const body = (await response.json().catch(() => null)) as
    (ScenarioImportResult & { error?: string }) | null;
  if (!response.ok || body === null || typeof body.error === 'string' || !Array.isArray(body.buildings)) {
    throw new Error(body?.error ?? `the server answered ${response.status}`);
  }
  return body;
}
