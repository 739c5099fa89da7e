import { describe, expect, it } from 'vitest';
import { hrefForWall, hrefForWindow, windowRoleFromSearch } from './windowRole.ts';

describe('windowRoleFromSearch', () => {
  it('reads the window kind and the wall from the address', () => {
    expect(windowRoleFromSearch('')).toEqual({ role: { kind: 'overview' }, problem: null });
    expect(windowRoleFromSearch('?window=cockpit&city=x')).toEqual({
      role: { kind: 'cockpit' },
      problem: null,
    });
    expect(windowRoleFromSearch('?window=detail')).toEqual({ role: { kind: 'detail' }, problem: null });
    expect(windowRoleFromSearch('?wall=leitstand-1')).toEqual({
      role: { kind: 'wall', wall: 'leitstand-1' },
      problem: null,
    });
  });

  it('names what it did not understand and shows the overview', () => {
    expect(windowRoleFromSearch('?window=map')).toEqual({
      role: { kind: 'overview' },
      problem: '?window=map is not known (known: overview, detail, cockpit)',
    });
    const bad = windowRoleFromSearch('?wall=Leitstand%201');
    expect(bad.role).toEqual({ kind: 'overview' });
    expect(bad.problem).toMatch(/^\?wall=Leitstand 1: a wall's name has lower-case letters/);
  });
});

describe('window addresses', () => {
  it('keeps the town and the time, and sets the window or the wall', () => {
    const href = 'http://host:5173/?city=boeblingen-demo&t=2026-12-03T15%3A00%3A00.000Z&profile=operator';
    expect(hrefForWindow(href, 'cockpit')).toBe(
      'http://host:5173/?city=boeblingen-demo&t=2026-12-03T15%3A00%3A00.000Z&profile=operator&window=cockpit',
    );
    expect(hrefForWindow(`${href}&window=cockpit`, 'overview')).toBe(href);
    expect(hrefForWall(`${href}&window=detail`, 'leitstand')).toBe(
      'http://host:5173/?city=boeblingen-demo&profile=operator&wall=leitstand',
    );
  });
});
