import { describe, expect, it } from 'vitest';
import { buildingFactsFromTags, parseLengthM, parseLevels, parseYear } from './osmBuildingTags.ts';

describe('parseLengthM', () => {
  it.each([
    ['12', 12],
    ['12 m', 12],
    ['12.5m', 12.5],
    ['12,5', 12.5],
    ['3 metres', 3],
    ["10'", 3.048],
  ])('reads %j as %d m', (text, metres) => {
    expect(parseLengthM(text)).toBeCloseTo(metres, 12);
  });

  it('converts feet to metres', () => {
    expect(parseLengthM('40 ft')).toBeCloseTo(12.192, 12);
  });

  it.each(['tall', '', '5-7', '-3', '12 km'])('rejects %j', (text) => {
    expect(parseLengthM(text)).toBeUndefined();
  });
});

describe('parseLevels and parseYear', () => {
  it('reads level counts with either decimal mark and rejects lists', () => {
    expect(parseLevels('3')).toBe(3);
    expect(parseLevels('2,5')).toBe(2.5);
    expect(parseLevels('2;3')).toBeUndefined();
  });

  it('takes the first 4-digit year of a date', () => {
    expect(parseYear('1890-05-01')).toBe(1890);
    expect(parseYear('~1890')).toBe(1890);
    expect(parseYear('C19')).toBeUndefined();
  });
});

describe('buildingFactsFromTags', () => {
  it('prefers height over levels', () => {
    const facts = buildingFactsFromTags({ building: 'yes', height: '20', 'building:levels': '2' }, []);
    expect(facts).toMatchObject({ heightM: 20, storeys: 2, heightEstimated: false });
  });

  it('uses roof:levels × 3 m as roof height when roof:height is missing', () => {
    const facts = buildingFactsFromTags({ building: 'yes', 'building:levels': '2', 'roof:levels': '1' }, []);
    expect(facts).toMatchObject({ heightM: 9, roofHeightM: 3 });
  });

  it('derives minHeightM from building:min_level', () => {
    expect(
      buildingFactsFromTags(
        { 'building:part': 'yes', 'building:min_level': '2', 'building:levels': '5' },
        [],
      ),
    ).toMatchObject({
      minHeightM: 6,
      heightM: 15,
    });
  });

  it.each([
    ['house', 6],
    ['apartments', 12],
    ['industrial', 8],
    ['church', 15],
    ['yes', 6],
  ])('estimates a %s at %d m', (type, heightM) => {
    expect(buildingFactsFromTags({ building: type }, [])).toMatchObject({ heightM, heightEstimated: true });
  });

  it('keeps an estimated part above its min_height', () => {
    expect(buildingFactsFromTags({ 'building:part': 'yes', min_height: '10' }, []).heightM).toBe(13);
  });

  it('maps unknown roof shapes to unknown', () => {
    expect(buildingFactsFromTags({ building: 'yes', 'roof:shape': 'gambrel' }, []).roofShape).toBe('unknown');
  });

  it('reports each unreadable value with its tag and falls back', () => {
    const problems: string[] = [];
    const facts = buildingFactsFromTags(
      { building: 'garage', height: 'tall', 'building:levels': 'many' },
      problems,
    );
    expect(facts).toMatchObject({ heightM: 3, heightEstimated: true });
    expect(problems).toEqual([
      'height "tall" is not a length in metres or feet: ignored',
      'building:levels "many" is not a number of levels: ignored',
    ]);
  });
});
