/**
 * The camera in a link (`?cam=lon,lat,height,heading,pitch`), so a shared scenario opens at the view
 * it was shared from. Pure.
 */
import type { CameraView } from '../../../protocol/index.ts';
import { CameraViewSchema } from '../../../protocol/index.ts';

/** The `cam` value of a view: degrees to 6 places (about 10 cm), metres and degrees to 1 place. */
export function cameraParam(view: CameraView): string {
  return [
    view.lon.toFixed(6),
    view.lat.toFixed(6),
    view.heightM.toFixed(1),
    view.headingDeg.toFixed(1),
    view.pitchDeg.toFixed(1),
  ].join(',');
}

/** The view of a `cam` value; null when there is none or it is not one. */
export function cameraFromParam(value: string | null): CameraView | null {
  if (value === null) return null;
  const parts = value.split(',').map(Number);
  if (parts.length !== 5 || parts.some((n) => !Number.isFinite(n))) return null;
  const [lon, lat, heightM, headingDeg, pitchDeg] = parts as [number, number, number, number, number];
  const parsed = CameraViewSchema.safeParse({ lon, lat, heightM, headingDeg, pitchDeg, rollDeg: 0 });
  return parsed.success ? parsed.data : null;
}
