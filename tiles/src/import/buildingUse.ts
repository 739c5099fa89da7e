/**
 * Maps a source's building use (an OSM `building` value, an ALKIS/AdV function code such as
 * `31001_1000`) to the pack's use enum (docs/city-pack.md). Pure; the original value is kept by the
 * caller as `sourceUse`, so nothing is lost when the mapping is coarse.
 */
import type { BuildingUse } from '../../../protocol/packFeatures.ts';

/**
 * The use of a building whose source says nothing usable (`building=yes`, an unknown code). `mixed`
 * rather than `residential`: it claims no single use, so the viewer does not colour unknown
 * buildings as homes, and `sourceUse` still shows what the source said.
 */
export const DEFAULT_BUILDING_USE: BuildingUse = 'mixed';

const OSM_USES: Readonly<Record<string, BuildingUse>> = {
  residential: 'residential',
  house: 'residential',
  detached: 'residential',
  semidetached_house: 'residential',
  terrace: 'residential',
  apartments: 'residential',
  bungalow: 'residential',
  dormitory: 'residential',
  cabin: 'residential',
  farm: 'residential',
  houseboat: 'residential',
  static_caravan: 'residential',
  commercial: 'commercial',
  office: 'commercial',
  retail: 'commercial',
  supermarket: 'commercial',
  kiosk: 'commercial',
  hotel: 'commercial',
  industrial: 'industrial',
  warehouse: 'industrial',
  factory: 'industrial',
  manufacture: 'industrial',
  hangar: 'industrial',
  storage_tank: 'industrial',
  barn: 'industrial',
  farm_auxiliary: 'industrial',
  greenhouse: 'industrial',
  service: 'industrial',
  civic: 'public',
  public: 'public',
  government: 'public',
  townhall: 'public',
  hospital: 'public',
  fire_station: 'public',
  train_station: 'public',
  transportation: 'public',
  museum: 'public',
  sports_hall: 'public',
  stadium: 'public',
  church: 'public',
  chapel: 'public',
  cathedral: 'public',
  mosque: 'public',
  synagogue: 'public',
  temple: 'public',
  religious: 'public',
  school: 'school',
  kindergarten: 'school',
  university: 'school',
  college: 'school',
  garage: 'parking',
  garages: 'parking',
  carport: 'parking',
  parking: 'parking',
};

/**
 * ALKIS building function codes (AdV "Gebäudefunktion", list 31001) by numeric range; the first
 * matching range wins, so specific ranges come before the broad ones that contain them.
 */
const ALKIS_RANGES: readonly (readonly [from: number, to: number, use: BuildingUse])[] = [
  // Residential buildings that also hold public, commercial or industrial uses.
  [1100, 1199, 'mixed'],
  [1000, 1999, 'residential'],
  // Commerce or industry with flats.
  [2300, 2399, 'mixed'],
  // Parking: 2460 Gebäude zum Parken, 2461 Parkhaus, 2462 Parkdeck, 2463 Garage, 2464/2465 halls.
  [2460, 2469, 'parking'],
  [2100, 2299, 'industrial'],
  [2500, 2799, 'industrial'],
  [2000, 2099, 'commercial'],
  [2400, 2499, 'commercial'],
  // 3020-3023: schools, vocational schools, universities.
  [3020, 3023, 'school'],
  [3000, 3999, 'public'],
];

/** The use the pack shows for a source use; {@link DEFAULT_BUILDING_USE} when it is unknown. */
export function mapBuildingUse(sourceUse: string | undefined): BuildingUse {
  if (sourceUse === undefined) return DEFAULT_BUILDING_USE;
  const value = sourceUse.trim();
  const osm = OSM_USES[value.toLowerCase()];
  if (osm) return osm;
  // "31001_2463" (CityGML AdV code lists) or a bare "2463"; other lists (51009_… structures) are not buildings' uses.
  const code = /^(?:31001_)?(\d{4})$/.exec(value)?.[1];
  if (code === undefined) return DEFAULT_BUILDING_USE;
  const number = Number(code);
  const range = ALKIS_RANGES.find(([from, to]) => number >= from && number <= to);
  return range ? range[2] : DEFAULT_BUILDING_USE;
}
