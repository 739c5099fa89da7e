import { describe, expect, it } from 'vitest';
import { reading, sensor } from '../../../../testing/fixtures.ts';
import { PALETTE } from '../../../palette.ts';
import { relativeSpeed, trafficCategory, trafficLegend, trafficStyle } from './trafficLayer.ts';

const segment = (limit?: number) =>
  sensor({
    id: 'traffic-r0001',
    kind: 'traffic',
    object: { type: 'road', id: 'r0001' },
    quantities: ['speedKmh', 'vehiclesPerHour'],
    attributes: limit === undefined ? {} : { speedLimitKmh: limit },
  });

describe('relativeSpeed', () => {
  it('divides the speed by the sensor speed limit', () => {
    expect(relativeSpeed(segment(50), reading('traffic-r0001', { speedKmh: 40 }))).toBeCloseTo(0.8, 6);
  });

  it('falls back to the road feature limit', () => {
    expect(relativeSpeed(segment(), reading('traffic-r0001', { speedKmh: 15 }), 30)).toBeCloseTo(0.5, 6);
  });

  it('is unknown without a speed or a limit (not zero)', () => {
    expect(relativeSpeed(segment(50), reading('traffic-r0001', { vehiclesPerHour: 300 }))).toBeNull();
    expect(relativeSpeed(segment(), reading('traffic-r0001', { speedKmh: 20 }))).toBeNull();
    expect(relativeSpeed(segment(50), undefined)).toBeNull();
  });
});

describe('trafficCategory', () => {
  it('maps the share of the limit to the level of service at the thresholds', () => {
    expect(trafficCategory(1.1, 'live')).toBe('free');
    expect(trafficCategory(0.75, 'live')).toBe('free');
    expect(trafficCategory(0.74, 'live')).toBe('dense');
    expect(trafficCategory(0.5, 'live')).toBe('dense');
    expect(trafficCategory(0.3, 'live')).toBe('slow');
    expect(trafficCategory(0.1, 'live')).toBe('jam');
    expect(trafficCategory(0, 'live')).toBe('jam');
  });

  it('draws stale and offline segments as no data, grey, thin and dimmed', () => {
    expect(trafficCategory(0.9, 'stale')).toBe('noData');
    expect(trafficCategory(0.9, 'offline')).toBe('noData');
    expect(trafficCategory(null, 'live')).toBe('noData');
    const style = trafficStyle('noData');
    expect(style.colorCss).toBe(PALETTE.grey);
    expect(style.alpha).toBeLessThan(1);
    expect(style.widthPx).toBeLessThan(trafficStyle('free').widthPx);
  });

  it('uses the palette colours from green to red', () => {
    expect(trafficStyle('free').colorCss).toBe(PALETTE.green);
    expect(trafficStyle('jam').colorCss).toBe(PALETTE.red);
    expect(trafficLegend()).toHaveLength(5);
  });
});
