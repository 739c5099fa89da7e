/**
 * FeatureColorRegistry with real Cesium events and stand-in tile contents (a real tileset needs WebGL).
 */
import { Color, Event, type Cesium3DTile, type Cesium3DTileset } from 'cesium';
import { describe, expect, it } from 'vitest';
import { FeatureColorRegistry } from './featureColorRegistry.ts';

interface FakeFeature {
  color: Color;
  getProperty(name: string): unknown;
}

function feature(buildingId: string | undefined): FakeFeature {
  return { color: Color.WHITE, getProperty: (name) => (name === 'buildingId' ? buildingId : undefined) };
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
});
