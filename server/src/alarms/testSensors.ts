/** Sensors the alarm tests share: a basin with its marks and a garage with its capacity. */
import type { Sensor } from '../../../protocol/index.ts';

export const TEST_BASIN: Sensor = {
  id: 'basin-1',
  kind: 'water',
  name: 'Regenüberlaufbecken',
  position: [9, 48.7, 0],
  object: { type: 'site', id: 'b1' },
  quantities: ['levelCm', 'inflowLps'],
  intervalMs: 60_000,
  thresholds: { levelCm: { warn: 224, alarm: 288, direction: 'above' } },
  visibility: 'public',
  attributes: { maxLevelCm: 320 },
};

export const TEST_GARAGE: Sensor = {
  ...TEST_BASIN,
  id: 'garage-1',
  kind: 'parking',
  quantities: ['occupiedSpaces', 'freeSpaces'],
  thresholds: {},
  intervalMs: 20_000,
  attributes: { capacitySpaces: 400 },
};
