import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../protocol/index.ts';
import { IncidentStore } from './incidentStore.ts';

const T = Date.UTC(2026, 11, 3, 15);

function incident(id: string, patch: Partial<Incident> = {}): Incident {
  return {
    id,
    cityId: 'town',
    kind: 'roadworks',
    title: `Baustelle ${id}`,
    geometry: { type: 'Point', coordinates: [9, 48.7] },
    startsAtMs: T,
    endsAtMs: T + 3_600_000,
    public: true,
    createdBy: 'leitstelle',
    createdAtMs: T,
    updatedBy: 'leitstelle',
    updatedAtMs: T,
    version: 1,
    ...patch,
  };
}

describe('IncidentStore', () => {
  it('keeps the newest version, removes on null, and tells which are in force at a time', () => {
    const store = new IncidentStore();
    expect(
      store.applyList([incident('a'), incident('b', { startsAtMs: T + 7_200_000, endsAtMs: null })]),
    ).toBe(true);
    expect(store.activeAt(T + 60_000).map((i) => i.id)).toEqual(['a']);
    expect(store.activeAt(T + 8_000_000).map((i) => i.id)).toEqual(['b']);
    expect(store.activeAt(T - 1)).toEqual([]);
    store.applyChange({ id: 'a', incident: incident('a', { title: 'neu', version: 3 }) });
    store.applyChange({ id: 'a', incident: incident('a', { title: 'alt', version: 2 }) });
    expect(store.getAll().get('a')?.title).toBe('neu');
    store.applyChange({ id: 'a', incident: null });
    expect(store.getAll().has('a')).toBe(false);
    expect(store.applyChange({ id: 'x' })).toBe(false);
    expect(store.applyList([{ id: 1 }])).toBe(false);
  });
});
