import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLinkWriter } from './linkWriter.ts';

afterEach(() => {
  vi.useRealTimers();
});

function fakeHistory(start: string) {
  const location = { href: start };
  const writes: string[] = [];
  const history = {
    state: null,
    replaceState: (_state: unknown, _unused: string, href?: string | URL | null) => {
      location.href = String(href);
      writes.push(location.href);
    },
  };
  return { location, history, writes };
}

describe('createLinkWriter', () => {
  it('gathers quick changes into one write and keeps other parameters', () => {
    vi.useFakeTimers();
    const { location, history, writes } = fakeHistory('http://twin.example/?city=x');
    const writer = createLinkWriter(history, location);
    for (let i = 1; i <= 50; i += 1)
      writer.write({ layers: [{ id: 'roads', visible: true, opacity: i / 100 }] });
    writer.write({ basemap: 'town-dark' });
    expect(writer.currentHref()).toContain('map=town-dark');
    expect(writes).toEqual([]);
    vi.runAllTimers();
    expect(writes).toHaveLength(1);
    const params = new URL(location.href).searchParams;
    expect(params.get('lyr')).toBe('roads~1~50');
    expect(params.get('map')).toBe('town-dark');
    expect(params.get('city')).toBe('x');
  });

  it('writes at once when asked to, with what was pending', () => {
    vi.useFakeTimers();
    const { location, history, writes } = fakeHistory('http://twin.example/');
    const writer = createLinkWriter(history, location);
    writer.write({ basemap: 'town-dark' });
    writer.write({ locale: 'en' }, true);
    expect(writes).toHaveLength(1);
    expect(new URL(location.href).searchParams.get('map')).toBe('town-dark');
    vi.runAllTimers();
    expect(writes).toHaveLength(1);
  });

  it('drops what is pending when disposed: the address may already name another town', () => {
    vi.useFakeTimers();
    const { location, history, writes } = fakeHistory('http://twin.example/');
    const writer = createLinkWriter(history, location);
    writer.write({ layers: [{ id: 'roads', visible: false, opacity: 1 }] });
    location.href = 'http://twin.example/?city=other';
    writer.dispose();
    vi.runAllTimers();
    expect(writes).toEqual([]);
    expect(location.href).toBe('http://twin.example/?city=other');
  });
});
