import { describe, expect, it } from 'vitest';
import { cameraFromParam, cameraParam } from './cameraLink.ts';

describe('camera links', () => {
  it('writes a view and reads it back', () => {
    const view = {
      lon: 9.0152345,
      lat: 48.6805123,
      heightM: 850.26,
      headingDeg: 15.04,
      pitchDeg: -40.02,
      rollDeg: 0,
    };
    const param = cameraParam(view);
    expect(param).toBe('9.015235,48.680512,850.3,15.0,-40.0');
    expect(cameraFromParam(param)).toEqual({
      lon: 9.015235,
      lat: 48.680512,
      heightM: 850.3,
      headingDeg: 15,
      pitchDeg: -40,
      rollDeg: 0,
    });
  });

  it('takes nothing that is not a view', () => {
    expect(cameraFromParam(null)).toBeNull();
    expect(cameraFromParam('9,48,800')).toBeNull();
    expect(cameraFromParam('9,48,800,0,x')).toBeNull();
    expect(cameraFromParam('9,148,800,0,-30')).toBeNull();
  });
});
