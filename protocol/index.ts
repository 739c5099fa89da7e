export * from './schemas.ts';
export * from './events.ts';
export * from './version.ts';
export * from './cityPack.ts';
export * from './wireDiff.ts';
export * from './parseObservation.ts';
export * from './history.ts';
export * from './alarms.ts';
