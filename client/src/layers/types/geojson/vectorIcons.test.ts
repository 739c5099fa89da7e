import { describe, expect, it } from 'vitest';
import { VectorStyleSchema } from '../../../../../protocol/index.ts';
import { ICON_GLYPHS, ICON_NAMES } from './vectorIcons.ts';

describe('ICON_GLYPHS', () => {
  it('has a glyph for every icon the catalogue may name', () => {
    const names = VectorStyleSchema.shape.icon.unwrap().options;
    expect([...ICON_NAMES].sort()).toEqual([...names].sort());
  });

  it('writes every path as SVG path data that starts with a move', () => {
    for (const glyph of Object.values(ICON_GLYPHS)) {
      for (const path of [...glyph.fill, ...glyph.stroke]) expect(path).toMatch(/^M[\d.]+[ ,]?[\d.]+/);
    }
  });
});
