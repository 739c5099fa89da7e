import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILDING_USE, mapBuildingUse } from './buildingUse.ts';

describe('mapBuildingUse', () => {
  it('maps OSM building values to the pack uses', () => {
    expect(mapBuildingUse('house')).toBe('residential');
    expect(mapBuildingUse('apartments')).toBe('residential');
    expect(mapBuildingUse('retail')).toBe('commercial');
    expect(mapBuildingUse('warehouse')).toBe('industrial');
    expect(mapBuildingUse('church')).toBe('public');
    expect(mapBuildingUse('kindergarten')).toBe('school');
    expect(mapBuildingUse('garages')).toBe('parking');
  });

  it('maps ALKIS function codes with or without the 31001_ list prefix', () => {
    expect(mapBuildingUse('31001_1000')).toBe('residential');
    expect(mapBuildingUse('31001_1123')).toBe('mixed');
    expect(mapBuildingUse('31001_2000')).toBe('commercial');
    expect(mapBuildingUse('31001_2111')).toBe('industrial');
    expect(mapBuildingUse('31001_2463')).toBe('parking');
    expect(mapBuildingUse('2461')).toBe('parking');
    expect(mapBuildingUse('31001_3000')).toBe('public');
    expect(mapBuildingUse('31001_3021')).toBe('school');
  });

  it('gives the default use for unknown, generic or missing values', () => {
    expect(DEFAULT_BUILDING_USE).toBe('mixed');
    expect(mapBuildingUse(undefined)).toBe(DEFAULT_BUILDING_USE);
    expect(mapBuildingUse('yes')).toBe(DEFAULT_BUILDING_USE);
    expect(mapBuildingUse('51009_1610')).toBe(DEFAULT_BUILDING_USE);
    expect(mapBuildingUse('31001_9998')).toBe(DEFAULT_BUILDING_USE);
  });
});
