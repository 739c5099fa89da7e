/** Parses the arguments of `npm run import`; pure, so every bad argument is testable without a process. */

/** Usage text printed with `--help` and after a bad argument. */
export const IMPORT_USAGE = [
  'usage: npm run import -- <file> --city <id> [--crs EPSG:nnnn] [--origin lon,lat] [--name "Town name"]',
  '  <file>      CityGML (.gml), CityJSON (.json), CityJSONSeq (.jsonl), OSM GeoJSON or Overpass JSON',
  '  --city      id of the pack to write: data/<id>/ (lower-case letters, digits and -)',
  '  --crs       CRS of the file when it names none or a wrong one, e.g. EPSG:25832',
  '  --origin    lon,lat of (0, 0) for files in local metres without a CRS',
  '  --name      the town name shown in the viewer (default: the city id)',
].join('\n');

/** A parsed command line. */
export type ImportCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | {
      kind: 'import';
      file: string;
      cityId: string;
      crs?: string;
      origin?: { lon: number; lat: number };
      name?: string;
    };

const VALUE_OPTIONS = new Set(['--city', '--crs', '--origin', '--name']);

function parseOrigin(text: string): { lon: number; lat: number } | undefined {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length !== 2 || parts.some((part) => part === '')) return undefined;
  const [lon, lat] = parts.map(Number);
  if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat))
    return undefined;
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return undefined;
  return { lon, lat };
}

/** Parses `<file> --city <id> [--crs …] [--origin …] [--name …]` (`--opt=value` works too). */
export function parseImportArgs(args: readonly string[]): ImportCommand {
  const values = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const option = equals >= 0 ? arg.slice(0, equals) : arg;
    if (!VALUE_OPTIONS.has(option)) return { kind: 'error', message: `unknown option ${option}` };
    const value = equals >= 0 ? arg.slice(equals + 1) : args[(i += 1)];
    if (value === undefined || value === '' || (equals < 0 && value.startsWith('--')))
      return { kind: 'error', message: `${option} needs a value` };
    if (values.has(option)) return { kind: 'error', message: `${option} is given twice` };
    values.set(option, value);
  }
  const [file, ...extra] = files;
  if (file === undefined) return { kind: 'error', message: '<file> is missing: name the file to import' };
  if (extra.length > 0)
    return { kind: 'error', message: `<file> is given twice: ${file} and ${extra.join(', ')}` };
  const cityId = values.get('--city');
  if (cityId === undefined) return { kind: 'error', message: '--city is missing: name the pack to write' };
  if (!/^[a-z0-9-]+$/.test(cityId))
    return { kind: 'error', message: `--city "${cityId}" must be lower-case letters, digits and -` };
  const command: ImportCommand = { kind: 'import', file, cityId };
  const crs = values.get('--crs');
  if (crs !== undefined) {
    if (!/^EPSG:\d+$/i.test(crs))
      return { kind: 'error', message: `--crs "${crs}" must look like EPSG:25832` };
    command.crs = crs.toUpperCase();
  }
  const originText = values.get('--origin');
  if (originText !== undefined) {
    const origin = parseOrigin(originText);
    if (!origin)
      return {
        kind: 'error',
        message: `--origin "${originText}" must be lon,lat in degrees, e.g. 9.015,48.685`,
      };
    command.origin = origin;
  }
  const name = values.get('--name')?.trim();
  if (name !== undefined) {
    if (name === '') return { kind: 'error', message: '--name must not be empty' };
    command.name = name;
  }
  return command;
}
