/** The area vector services are asked for: the town around its centre. */
import type { CityInfo } from '../../../../protocol/index.ts';

/** Half the side of the box, in degrees of latitude (about 11 km). */
const HALF_SIDE_DEG = 0.1;

/** West, south, east, north in WGS84 degrees around the town's centre. */
export function townBbox(info: CityInfo): [number, number, number, number] {
  const [lon, lat] = info.city.centre;
  const halfLon = HALF_SIDE_DEG / Math.cos((lat * Math.PI) / 180);
  return [lon - halfLon, lat - HALF_SIDE_DEG, lon + halfLon, lat + HALF_SIDE_DEG];
}
