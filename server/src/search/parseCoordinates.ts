/**
 * Coordinates typed into the search box, read the ways people copy them:
 *
 * - WGS84 decimal degrees: `48.685, 9.015`, `48,685 9,015`, `48.685 N 9.015 E`, `N 48.685 E 9.015`;
 * - degrees, minutes, seconds: `48°41'06"N 9°00'54"E`, `48° 41,1' N, 9° 0,9' O`;
 * - UTM (ETRS89 / UTM zone 32N is EPSG:25832, the survey grid of most of Germany):
 *   `32U 503210 5392110`, `32 503210 5392110`, `E 503210 N 5392110`, or `503210 5392110` alone
 *   (zone 32 then).
 *
 * Two bare numbers in degree range could be latitude-longitude (the usual order) or the other way
 * round; the order that lands nearer the city wins. Pure apart from proj4's arithmetic.
 */
import proj4 from 'proj4';

/** A coordinate read from the query: WGS84 degrees and how to show it. */
export interface ParsedCoordinate {
  readonly lon: number;
  readonly lat: number;
  /** What the text was read as. */
  readonly notation: 'decimal' | 'dms' | 'utm';
  /** `48.68500° N, 9.01500° E`. */
  readonly label: string;
  /** The other notation: UTM for degrees, degrees-minutes-seconds for UTM. */
  readonly sublabel: string;
}

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';
/** ETRS89 and WGS84 differ by centimetres here; GRS80 with zero shifts is how EPSG:25832 is usually given. */
const utmDefinition = (zone: number, south: boolean): string =>
  `+proj=utm +zone=${zone}${south ? ' +south' : ''} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;

const NUMBER = String.raw`[-+]?\d+(?:[.,]\d+)?`;
const toNumber = (text: string): number => Number(text.replace(',', '.'));

/** `48.68500° N, 9.01500° E`: five decimals, about a metre. */
export function formatDecimalDegrees(lon: number, lat: number): string {
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lon >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(5)}° ${ns}, ${Math.abs(lon).toFixed(5)}° ${ew}`;
}

function dms(value: number): string {
  const totalSeconds = Math.round(Math.abs(value) * 36_000) / 10;
  const degrees = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - degrees * 3600) / 60);
  const seconds = totalSeconds - degrees * 3600 - minutes * 60;
  return `${degrees}°${String(minutes).padStart(2, '0')}'${seconds.toFixed(1).padStart(4, '0')}"`;
}

/** `48°41'06.0" N, 9°00'54.0" E`. */
export function formatDms(lon: number, lat: number): string {
  return `${dms(lat)} ${lat >= 0 ? 'N' : 'S'}, ${dms(lon)} ${lon >= 0 ? 'E' : 'W'}`;
}

/** The UTM zone of a longitude (no Norway and Svalbard exceptions: a twin is a town, not a fjord). */
const utmZoneOf = (lon: number): number => Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));

/** `UTM 32U 503210 5392110`: the zone with its latitude band, easting and northing in whole metres. */
export function formatUtm(lon: number, lat: number): string {
  const zone = utmZoneOf(lon);
  const [easting, northing] = proj4(WGS84, utmDefinition(zone, lat < 0), [lon, lat]) as [number, number];
  const bands = 'CDEFGHJKLMNPQRSTUVWX';
  const band = bands[Math.min(bands.length - 1, Math.max(0, Math.floor((lat + 80) / 8)))] as string;
  return `UTM ${zone}${band} ${Math.round(easting)} ${Math.round(northing)}`;
}

const inDegreeRange = (lon: number, lat: number): boolean =>
  Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;

function degreesResult(lon: number, lat: number, notation: 'decimal' | 'dms'): ParsedCoordinate | undefined {
  if (!inDegreeRange(lon, lat)) return undefined;
  return { lon, lat, notation, label: formatDecimalDegrees(lon, lat), sublabel: formatUtm(lon, lat) };
}

/** Squared distance in degrees, enough to tell which of two readings is nearer the city. */
const near = (a: readonly [number, number], b: readonly [number, number]): number =>
  (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

/** One axis with its hemisphere letter: `N`, `S`, `E`, `W` or German `O` (Ost). */
interface Axis {
  readonly value: number;
  readonly letter: 'N' | 'S' | 'E' | 'W' | undefined;
}

function hemisphere(letter: string | undefined): Axis['letter'] {
  if (letter === undefined || letter === '') return undefined;
  const upper = letter.toUpperCase();
  return upper === 'O' ? 'E' : (upper as Axis['letter']);
}

/** Two axes into lon/lat: letters decide; without them lat-lon, unless lon-lat is nearer the city. */
function orderAxes(
  first: Axis,
  second: Axis,
  cityCentre: readonly [number, number],
): [number, number] | undefined {
  const signed = (axis: Axis) =>
    axis.letter === 'S' || axis.letter === 'W' ? -Math.abs(axis.value) : axis.value;
  const isLat = (axis: Axis) => axis.letter === 'N' || axis.letter === 'S';
  const isLon = (axis: Axis) => axis.letter === 'E' || axis.letter === 'W';
  if (isLat(first) || isLon(second)) return [signed(second), signed(first)];
  if (isLon(first) || isLat(second)) return [signed(first), signed(second)];
  const latLon: [number, number] = [second.value, first.value];
  const lonLat: [number, number] = [first.value, second.value];
  if (!inDegreeRange(...latLon)) return inDegreeRange(...lonLat) ? lonLat : undefined;
  if (!inDegreeRange(...lonLat)) return latLon;
  // Latitude first is the usual order; longitude first only where that lands by the city and the
  // usual order does not (`9.015 48.685` typed in Böblingen).
  const byCity = (lonLat_: [number, number]) => near(lonLat_, cityCentre) <= NEAR_CITY_DEG ** 2;
  return byCity(lonLat) && !byCity(latLon) ? lonLat : latLon;
}

const LETTER = '[NSEWOnsewo]';
/** How far from the city centre a reading counts as by the city, in degrees. */
const NEAR_CITY_DEG = 3;

/** `48.685, 9.015`, `48,685 9,015`, `N 48.685 E 9.015`, `48.685°N 9.015°E`. */
function parseDecimal(text: string, cityCentre: readonly [number, number]): ParsedCoordinate | undefined {
  // Letters before both numbers, or after (or none); with a comma as decimal mark the two numbers
  // must be apart by a space or a semicolon.
  const separator = String.raw`\s*(?:[,;]\s*|\s+)`;
  const before = String.raw`(${LETTER})\s*(${NUMBER})\s*°?`;
  const after = String.raw`(${NUMBER})\s*°?\s*(${LETTER})?`;
  let first: Axis;
  let second: Axis;
  const prefixed = new RegExp(String.raw`^${before}${separator}${before}$`).exec(text);
  if (prefixed) {
    const [, letter1, number1, letter2, number2] = prefixed;
    first = { value: toNumber(number1 as string), letter: hemisphere(letter1) };
    second = { value: toNumber(number2 as string), letter: hemisphere(letter2) };
  } else {
    const suffixed = new RegExp(String.raw`^${after}${separator}${after}$`).exec(text);
    if (!suffixed) return undefined;
    const [, number1, letter1, number2, letter2] = suffixed;
    // Two whole numbers without letters or degree signs are a house number and more, not a place.
    if (!letter1 && !letter2 && !text.includes('°') && !/[.,]\d/.test(`${number1} ${number2}`))
      return undefined;
    first = { value: toNumber(number1 as string), letter: hemisphere(letter1) };
    second = { value: toNumber(number2 as string), letter: hemisphere(letter2) };
  }
  const ordered = orderAxes(first, second, cityCentre);
  return ordered ? degreesResult(ordered[0], ordered[1], 'decimal') : undefined;
}

/** `48°41'06"N 9°00'54"E`, `48° 41.1' N, 9° 0.9' O`, `N 48°41'6" E 9°0'54"` (seconds optional). */
function parseDms(text: string, cityCentre: readonly [number, number]): ParsedCoordinate | undefined {
  const unsigned = String.raw`\d+(?:[.,]\d+)?`;
  const angle = String.raw`(${unsigned})\s*°\s*(?:(${unsigned})\s*['′’]\s*)?(?:(${unsigned})\s*(?:"|″|”|'')\s*)?`;
  const separator = String.raw`\s*[,;]?\s*`;
  // Letters before both angles, or after both (or none).
  const prefixed = new RegExp(String.raw`^(${LETTER})\s*${angle}${separator}(${LETTER})\s*${angle}$`).exec(
    text,
  );
  const suffixed = prefixed
    ? undefined
    : new RegExp(String.raw`^${angle}(${LETTER})?${separator}${angle}(${LETTER})?$`).exec(text);
  const parts = prefixed
    ? [prefixed.slice(1, 5), prefixed.slice(5, 9)].map(([letter, d, m, s]) => ({ letter, d, m, s }))
    : suffixed
      ? [suffixed.slice(1, 5), suffixed.slice(5, 9)].map(([d, m, s, letter]) => ({ letter, d, m, s }))
      : undefined;
  // Degrees alone (`48.685°N`) are decimal degrees; minutes make it this notation.
  if (!parts || parts.every((part) => part.m === undefined)) return undefined;
  const axes = parts.map(({ letter, d, m, s }): Axis | undefined => {
    const minutes = m === undefined ? 0 : toNumber(m);
    const seconds = s === undefined ? 0 : toNumber(s);
    if (minutes >= 60 || seconds >= 60) return undefined;
    return { value: toNumber(d as string) + minutes / 60 + seconds / 3600, letter: hemisphere(letter) };
  });
  const [first, second] = axes;
  if (!first || !second) return undefined;
  const ordered = orderAxes(first, second, cityCentre);
  return ordered ? degreesResult(ordered[0], ordered[1], 'dms') : undefined;
}

/** `32U 503210 5392110`, `32 503210 5392110`, `E 503210 N 5392110`, `503210 5392110`. */
function parseUtm(text: string): ParsedCoordinate | undefined {
  const metres = String.raw`\d{5,7}(?:[.,]\d+)?`;
  const match = new RegExp(
    String.raw`^(?:(?:UTM\s*)?(\d{1,2})\s*([C-HJ-NP-Xc-hj-np-x])?\s+)?(?:E\s*|RW\s*)?(${metres})\s*(?:[,;]\s*|\s+)(?:N\s*|HW\s*)?(${metres})$`,
    'i',
  ).exec(text);
  if (!match) return undefined;
  const [, zoneText, band, eastingText, northingText] = match;
  const zone = zoneText === undefined ? 32 : Number(zoneText);
  const easting = toNumber(eastingText as string);
  const northing = toNumber(northingText as string);
  // A UTM easting lies within 166 km to 834 km of the false origin; northings up to 9,330 km.
  if (zone < 1 || zone > 60 || easting < 100_000 || easting > 900_000 || northing > 9_400_000)
    return undefined;
  const south = band !== undefined && band.toUpperCase() < 'N';
  const [lon, lat] = proj4(utmDefinition(zone, south), WGS84, [easting, northing]) as [number, number];
  if (!inDegreeRange(lon, lat)) return undefined;
  return { lon, lat, notation: 'utm', label: formatDecimalDegrees(lon, lat), sublabel: formatDms(lon, lat) };
}

/**
 * The coordinate `query` spells, or undefined when it is not one. `cityCentre` (`[lon, lat]`)
 * settles the order of two bare numbers in degree range.
 */
export function parseCoordinates(
  query: string,
  cityCentre: readonly [number, number],
): ParsedCoordinate | undefined {
  const text = query.trim().replace(/\s+/g, ' ');
  if (text.length === 0 || text.length > 80 || !/\d/.test(text)) return undefined;
  return parseUtm(text) ?? parseDms(text, cityCentre) ?? parseDecimal(text, cityCentre);
}
