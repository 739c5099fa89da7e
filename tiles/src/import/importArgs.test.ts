import { describe, expect, it } from 'vitest';
import { parseImportArgs } from './importArgs.ts';

describe('parseImportArgs', () => {
  it('parses a file with every option, in either spelling', () => {
    expect(
      parseImportArgs([
        'town.gml',
        '--city',
        'lorup',
        '--crs=epsg:25832',
        '--origin',
        '9.015,48.685',
        '--name',
        'Lorup',
      ]),
    ).toEqual({
      kind: 'import',
      file: 'town.gml',
      cityId: 'lorup',
      crs: 'EPSG:25832',
      origin: { lon: 9.015, lat: 48.685 },
      name: 'Lorup',
    });
  });

  it('names the argument that is missing or wrong', () => {
    const message = (args: string[]) => {
      const command = parseImportArgs(args);
      return command.kind === 'error' ? command.message : command.kind;
    };
    expect(message(['--city', 'x'])).toMatch(/^<file> is missing/);
    expect(message(['a.gml'])).toMatch(/^--city is missing/);
    expect(message(['a.gml', '--city', 'Böblingen'])).toMatch(/^--city "Böblingen" must be lower-case/);
    expect(message(['a.gml', '--city', 'x', '--crs', 'UTM32'])).toMatch(/^--crs "UTM32" must look like EPSG/);
    expect(message(['a.gml', '--city', 'x', '--origin', '9.0'])).toMatch(/^--origin "9.0" must be lon,lat/);
    expect(message(['a.gml', '--city', 'x', '--origin', '200,48'])).toMatch(/^--origin/);
    expect(message(['a.gml', '--city'])).toBe('--city needs a value');
    expect(message(['a.gml', '--city', 'x', '--force'])).toBe('unknown option --force');
    expect(message(['a.gml', 'b.gml', '--city', 'x'])).toMatch(/^<file> is given twice/);
  });

  it('asks for help', () => {
    expect(parseImportArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
