/**
 * Command-line arguments of `tiles/src/cli.ts`, parsed without side effects so they can be tested.
 */
import { parseArgs } from 'node:util';

/** The default city pack. */
export const DEFAULT_CITY_ID = 'boeblingen-demo';

/** Usage text printed by `--help` and after an argument error. */
export const CLI_USAGE = `Usage: npx tsx tiles/src/cli.ts [--city <id>] [--force] [--validate] [--max-per-tile <n>]

Builds 3D Tiles 1.1 from data/<city>/buildings.geojson into tiles/output/<city>/.

  --city <id>          city pack to build (default ${DEFAULT_CITY_ID})
  --force              rebuild even when the output is up to date
  --validate           check tileset.json, and every GLB with the Khronos glTF validator and the
                       EXT_mesh_features / EXT_structural_metadata checks, afterwards
  --max-per-tile <n>   most buildings per tile (default 500)
  -h, --help           show this text`;

/** What the CLI was asked to do. */
export type CliCommand =
  | {
      readonly kind: 'build';
      readonly cityId: string;
      readonly force: boolean;
      readonly validate: boolean;
      readonly maxBuildingsPerTile?: number;
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Parses `process.argv.slice(2)`. */
export function parseCliArgs(args: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        city: { type: 'string' },
        force: { type: 'boolean', default: false },
        validate: { type: 'boolean', default: false },
        'max-per-tile': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const cityId = values.city ?? DEFAULT_CITY_ID;
  if (!/^[a-z0-9-]+$/.test(cityId)) {
    return {
      kind: 'error',
      message: `--city must be lower-case letters, digits and -, got ${JSON.stringify(cityId)}`,
    };
  }
  const maxText = values['max-per-tile'];
  const maxBuildingsPerTile = maxText === undefined ? undefined : Number(maxText);
  if (
    maxBuildingsPerTile !== undefined &&
    (!Number.isInteger(maxBuildingsPerTile) || maxBuildingsPerTile < 1)
  ) {
    return {
      kind: 'error',
      message: `--max-per-tile must be a positive integer, got ${JSON.stringify(maxText)}`,
    };
  }
  return {
    kind: 'build',
    cityId,
    force: values.force,
    validate: values.validate,
    ...(maxBuildingsPerTile === undefined ? {} : { maxBuildingsPerTile }),
  };
}
