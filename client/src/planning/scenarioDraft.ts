/**
 * A scenario as the planning panel edits it before saving: variants with their proposed buildings,
 * removed buildings and closed roads. Every change makes a new draft (no mutation), so React sees it.
 * Pure.
 */
import type { ProposedBuilding, Scenario, ScenarioInput, Variant } from '../../../protocol/index.ts';

export interface ScenarioDraft {
  /** Undefined until the first save gives it one. */
  readonly id: string | undefined;
  readonly name: string;
  readonly description: string;
  readonly published: boolean;
  readonly variants: readonly Variant[];
  /** The version it was loaded as (0: never saved). */
  readonly version: number;
}

const variant = (id: string, name: string): Variant => ({
  id,
  name,
  description: '',
  buildings: [],
  removedBuildingIds: [],
  closedSegmentIds: [],
});

/** A new scenario with two variants, A and B, to compare. */
export function newDraft(name: string, variantNames: readonly [string, string]): ScenarioDraft {
  return {
    id: undefined,
    name,
    description: '',
    published: false,
    variants: [variant('a', variantNames[0]), variant('b', variantNames[1])],
    version: 0,
  };
}

export function draftOf(scenario: Scenario): ScenarioDraft {
  return {
    id: scenario.id,
    name: scenario.name,
    description: scenario.description,
    published: scenario.published,
    variants: scenario.variants,
    version: scenario.version,
  };
}

/** What `scenario:save` takes. */
export function inputOf(draft: ScenarioDraft): ScenarioInput {
  return {
    ...(draft.id === undefined ? {} : { id: draft.id }),
    name: draft.name,
    description: draft.description,
    published: draft.published,
    variants: draft.variants.map((v) => ({ ...v })),
  };
}

function mapVariant(draft: ScenarioDraft, variantId: string, change: (v: Variant) => Variant): ScenarioDraft {
  return { ...draft, variants: draft.variants.map((v) => (v.id === variantId ? change(v) : v)) };
}

/** An id for a new building of a variant: `haus-1`, `haus-2`, … (the first free one). */
export function nextBuildingId(v: Variant): string {
  const taken = new Set(v.buildings.map((b) => b.id));
  let n = 1;
  while (taken.has(`haus-${n}`)) n += 1;
  return `haus-${n}`;
}

export function addBuilding(
  draft: ScenarioDraft,
  variantId: string,
  building: Omit<ProposedBuilding, 'id'>,
): ScenarioDraft {
  return mapVariant(draft, variantId, (v) => ({
    ...v,
    buildings: [...v.buildings, { ...building, id: nextBuildingId(v) }],
  }));
}

export function removeBuilding(draft: ScenarioDraft, variantId: string, buildingId: string): ScenarioDraft {
  return mapVariant(draft, variantId, (v) => ({
    ...v,
    buildings: v.buildings.filter((b) => b.id !== buildingId),
  }));
}

/** Removes an existing building (by its tileset feature id) in a variant, or brings it back. */
export function toggleRemoved(draft: ScenarioDraft, variantId: string, featureId: string): ScenarioDraft {
  return mapVariant(draft, variantId, (v) => ({
    ...v,
    removedBuildingIds: v.removedBuildingIds.includes(featureId)
      ? v.removedBuildingIds.filter((id) => id !== featureId)
      : [...v.removedBuildingIds, featureId],
  }));
}

/** A footprint ring, closed, from the corners drawn on the map; null with fewer than three. */
export function footprintOf(corners: readonly (readonly [number, number])[]): [number, number][] | null {
  if (corners.length < 3) return null;
  const ring = corners.map(([lon, lat]) => [lon, lat] as [number, number]);
  return [...ring, ring[0] as [number, number]];
}

/**
 * Adds imported buildings to a variant; an id the variant already has gets `-2`, `-3`, … (a file
 * imported twice, or two files with the same object ids). Returns the draft and the ids given.
 */
export function addImported(
  draft: ScenarioDraft,
  variantId: string,
  buildings: readonly ProposedBuilding[],
): { draft: ScenarioDraft; ids: string[] } {
  const ids: string[] = [];
  const next = mapVariant(draft, variantId, (v) => {
    const taken = new Set(v.buildings.map((b) => b.id));
    const added = buildings.map((b) => {
      const base = b.id.slice(0, 58);
      let id = b.id;
      for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
      taken.add(id);
      ids.push(id);
      return { ...b, id };
    });
    return { ...v, buildings: [...v.buildings, ...added] };
  });
  return { draft: next, ids };
}
