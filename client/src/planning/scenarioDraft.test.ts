import { describe, expect, it } from 'vitest';
import { ScenarioInputSchema } from '../../../protocol/index.ts';
import {
  addBuilding,
  footprintOf,
  inputOf,
  newDraft,
  removeBuilding,
  toggleRemoved,
} from './scenarioDraft.ts';

const corners: [number, number][] = [
  [9.0154, 48.6848],
  [9.0157, 48.6848],
  [9.0157, 48.685],
];

describe('scenario drafts', () => {
  it('adds and removes buildings per variant and gives what the server takes', () => {
    let draft = newDraft('Elbenplatz', ['Variante A', 'Variante B']);
    const footprint = footprintOf(corners);
    expect(footprint).toEqual([...corners, corners[0]]);
    const shape = {
      footprint: footprint ?? [],
      eavesHeightM: 12,
      roofHeightM: 0,
      roof: 'flat' as const,
      storeys: 4,
      use: 'residential' as const,
    };
    draft = addBuilding(draft, 'a', shape);
    draft = addBuilding(draft, 'a', { ...shape, storeys: 6 });
    expect(draft.variants[0]?.buildings.map((b) => b.id)).toEqual(['haus-1', 'haus-2']);
    expect(draft.variants[1]?.buildings).toEqual([]);
    draft = removeBuilding(draft, 'a', 'haus-1');
    // The next new building takes the first free id.
    draft = addBuilding(draft, 'a', shape);
    expect(draft.variants[0]?.buildings.map((b) => b.id)).toEqual(['haus-2', 'haus-1']);
    draft = toggleRemoved(draft, 'b', 'b00012');
    draft = toggleRemoved(draft, 'b', 'b00013');
    draft = toggleRemoved(draft, 'b', 'b00012');
    expect(draft.variants[1]?.removedBuildingIds).toEqual(['b00013']);
    const parsed = ScenarioInputSchema.safeParse(inputOf(draft));
    expect(parsed.success).toBe(true);
    expect(inputOf(draft)).not.toHaveProperty('id');
    expect(inputOf({ ...draft, id: 'elbenplatz' }).id).toBe('elbenplatz');
  });

  it('needs three corners for a footprint', () => {
    expect(footprintOf(corners.slice(0, 2))).toBeNull();
  });
});
