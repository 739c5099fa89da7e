/**
 * FeatureColorRegistry with real Cesium events and stand-in tile contents (a real tileset needs WebGL).
 */
import { Color, Event, type Cesium3DTile, type Cesium3DTileset } from 'cesium';
import { describe, expect, it } from 'vitest';
import { FeatureColorRegistry } from './featureColorRegistry.ts';

interface FakeFeature {
  color: Color;
  show?: boolean;
  getProperty(name: string): unknown;
}

function feature(buildingId: string | undefined, use?: string): FakeFeature {
  const properties: Record<string, unknown> = { buildingId, use };
  return { color: Color.WHITE, getProperty: (name) => properties[name] };
}

function tile(features: FakeFeature[]): Cesium3DTile {
  const content = { featuresLength: features.length, getFeature: (i: number) => features[i] };
  return { content } as unknown as Cesium3DTile;
}

function setup() {
  const tileVisible = new Event();
  const tileUnload = new Event();
  const tileset = { tileVisible, tileUnload } as unknown as Cesium3DTileset;
  let renders = 0;
  const base = Color.LIGHTGRAY;
  const registry = new FeatureColorRegistry(base, () => void renders++);
  const detach = registry.attach(tileset);
  return { registry, tileVisible, tileUnload, base, detach, renders: () => renders };
}

describe('FeatureColorRegistry', () => {
  it('gives every feature of a newly visible tile the base colour', () => {
    const { tileVisible, base, renders } = setup();
    const features = [feature('b1'), feature(undefined)];
    tileVisible.raiseEvent(tile(features));
    expect(features.every((f) => f.color === base)).toBe(true);
    expect(renders()).toBe(1);
  });

  it('colours the features of a building and restores the base colour', () => {
    const { registry, tileVisible, base } = setup();
    const garage = feature('b7');
    tileVisible.raiseEvent(tile([garage, feature('b8')]));
    registry.setColor('b7', Color.RED);
    expect(garage.color).toBe(Color.RED);
    registry.setColor('b7', null);
    expect(garage.color).toBe(base);
  });

  it('applies a colour set before the tile became visible', () => {
    const { registry, tileVisible } = setup();
    registry.setColor('b7', Color.GREEN);
    const garage = feature('b7');
    tileVisible.raiseEvent(tile([garage]));
    expect(garage.color).toBe(Color.GREEN);
  });

  it('indexes a tile once however often it is visible, and forgets it when unloaded', () => {
    const { registry, tileVisible, tileUnload, renders } = setup();
    const t = tile([feature('b1')]);
    tileVisible.raiseEvent(t);
    tileVisible.raiseEvent(t);
    expect(renders()).toBe(1);
    expect(registry.loadedBuildingIds()).toEqual(['b1']);
    tileUnload.raiseEvent(t);
    expect(registry.loadedBuildingIds()).toEqual([]);
  });

  it('stops listening when detached', () => {
    const { registry, tileVisible, detach } = setup();
    detach();
    tileVisible.raiseEvent(tile([feature('b1')]));
    expect(registry.loadedBuildingIds()).toEqual([]);
  });

  it("forgets the tileset's features when detached, so a destroyed tileset is never recoloured", () => {
    const { registry, tileVisible, detach } = setup();
    const garage = feature('b1');
    tileVisible.raiseEvent(tile([garage]));
    expect(registry.loadedBuildingIds()).toEqual(['b1']);
    detach();
    expect(registry.loadedBuildingIds()).toEqual([]);
    const before = garage.color;
    registry.setColor('b1', Color.RED);
    expect(garage.color).toBe(before);
  });

  it('draws the highlight over a garage colour and restores the garage colour afterwards', () => {
    const { registry, tileVisible } = setup();
    const garage = feature('b7');
    tileVisible.raiseEvent(tile([garage]));
    registry.setColor('b7', Color.RED);
    registry.setHighlight('b7', Color.CYAN);
    expect(garage.color).toBe(Color.CYAN);
    // Live updates while selected must not take the highlight away.
    registry.setColor('b7', Color.GREEN);
    expect(garage.color).toBe(Color.CYAN);
    registry.setHighlight(null, Color.CYAN);
    expect(garage.color).toBe(Color.GREEN);
  });

  it('moves the highlight to another building, restoring the first one', () => {
    const { registry, tileVisible, base } = setup();
    const a = feature('b1');
    const b = feature('b2');
    tileVisible.raiseEvent(tile([a, b]));
    registry.setHighlight('b1', Color.CYAN);
    registry.setHighlight('b2', Color.CYAN);
    expect(a.color).toBe(base);
    expect(b.color).toBe(Color.CYAN);
  });

  it('highlights a building whose tile becomes visible later', () => {
    const { registry, tileVisible } = setup();
    registry.setHighlight('b3', Color.CYAN);
    const late = feature('b3');
    tileVisible.raiseEvent(tile([late]));
    expect(late.color).toBe(Color.CYAN);
  });

  it('colours by a base style, leaving garages and the highlight alone, and back to neutral', () => {
    const { registry, tileVisible, base } = setup();
    const home = feature('b1', 'residential');
    const garage = feature('b2', 'parking');
    const selected = feature('b3', 'school');
    const anonymous = feature(undefined, 'school');
    tileVisible.raiseEvent(tile([home, garage, selected, anonymous]));
    registry.setColor('b2', Color.RED);
    registry.setHighlight('b3', Color.CYAN);
    const byUse = (f: { getProperty(name: string): unknown }) =>
      f.getProperty('use') === 'school' ? Color.ORANGE : Color.BEIGE;
    registry.setBaseColorOf(byUse);
    expect([home.color, garage.color, selected.color, anonymous.color]).toEqual([
      Color.BEIGE,
      Color.RED,
      Color.CYAN,
      Color.ORANGE,
    ]);
    registry.setHighlight(null, Color.CYAN);
    expect(selected.color).toBe(Color.ORANGE);
    registry.setBaseColorOf(null);
    expect([home.color, garage.color, selected.color]).toEqual([base, Color.RED, base]);
  });

  it('applies the base style to tiles that become visible later', () => {
    const { registry, tileVisible } = setup();
    registry.setBaseColorOf(() => Color.ORANGE);
    const late = feature('b9');
    tileVisible.raiseEvent(tile([late]));
    expect(late.color).toBe(Color.ORANGE);
  });

  it('hides the buildings a variant removes, also in tiles loaded later, and shows them again', () => {
    const { registry, tileVisible } = setup();
    const removed = feature('b3');
    const kept = feature('b4');
    tileVisible.raiseEvent(tile([removed, kept]));
    registry.setHidden(['b3', 'b9']);
    expect(removed.show).toBe(false);
    expect(kept.show).toBeUndefined();
    // b9 comes into view later: hidden from the start.
    const later = feature('b9');
    tileVisible.raiseEvent(tile([later]));
    expect(later.show).toBe(false);
    registry.setHidden(['b9']);
    expect(removed.show).toBe(true);
    expect(later.show).toBe(false);
    registry.setHidden([]);
    expect(later.show).toBe(true);
  });

  it('hides other buildings in one tileset when told so (the swipe’s right side), then the common ones again', () => {
    const { registry, tileVisible } = setup();
    const rightVisible = new Event();
    const right = { tileVisible: rightVisible, tileUnload: new Event() } as unknown as Cesium3DTileset;
    const detachRight = registry.attach(right);
    const [leftA, leftB] = [feature('a'), feature('b')];
    const [rightA, rightB] = [feature('a'), feature('b')];
    tileVisible.raiseEvent(tile([leftA, leftB]));
    rightVisible.raiseEvent(tile([rightA]));
    registry.setHidden(['a']);
    expect([leftA.show, rightA.show]).toEqual([false, false]);
    registry.setHiddenOn(right, ['b']);
    expect(leftA.show).toBe(false);
    expect(leftB.show).not.toBe(false);
    expect(rightA.show).toBe(true);
    // A tile of the right side that comes later follows the right side's set.
    rightVisible.raiseEvent(tile([rightB]));
    expect(rightB.show).toBe(false);
    registry.setHiddenOn(right, null);
    expect([rightA.show, rightB.show]).toEqual([false, true]);
    expect(leftA.show).toBe(false);
    detachRight();
  });
});
