/**
 * Material handling for polylines in a PolylineCollection. The collection destroys each polyline's
 * material with the polyline, so a material must never be shared between polylines (the second
 * destroy would throw). Polylines with equal material type and uniforms are still drawn in one batch.
 */
import type { Material, Polyline } from 'cesium';

/** Gives `polyline` a new material of its own and destroys the one it replaces. */
export function replacePolylineMaterial(polyline: Polyline, material: Material): void {
  const previous = polyline.material;
  polyline.material = material;
  if (previous !== material && !previous.isDestroyed()) previous.destroy();
}
