import { describe, expect, it } from 'vitest';
import { DEFAULT_CITY_ID, parseCliArgs } from './cliArgs.ts';

describe('parseCliArgs', () => {
  it('builds the demo pack by default', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'build',
      cityId: DEFAULT_CITY_ID,
      force: false,
      validate: false,
    });
  });

  it('reads --city, --force, --validate and --max-per-tile', () => {
    expect(
      parseCliArgs(['--city', 'sindelfingen', '--force', '--validate', '--max-per-tile', '200']),
    ).toEqual({
      kind: 'build',
      cityId: 'sindelfingen',
      force: true,
      validate: true,
      maxBuildingsPerTile: 200,
    });
  });

  it('answers --help', () => {
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('reports unknown options, path-like city ids and bad tile sizes', () => {
    expect(parseCliArgs(['--citty', 'x'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--city', '../etc'])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/--city/),
    });
    expect(parseCliArgs(['--max-per-tile', '0'])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/--max-per-tile/),
    });
  });
});
