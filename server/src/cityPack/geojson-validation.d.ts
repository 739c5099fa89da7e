/**
 * Types for `geojson-validation` 1.0.2, which ships none. Only the functions the city-pack loader uses.
 * With `trace` true each check returns the list of problems (empty when valid); without it, a boolean.
 * Some checks throw on malformed input (an empty ring), so callers wrap them.
 */
declare module 'geojson-validation' {
  type Check = {
    (value: unknown, trace: true): string[];
    (value: unknown, trace?: false): boolean;
  };
  interface GeoJsonValidation {
    /** Any GeoJSON object: geometry, Feature or FeatureCollection. */
    valid: Check;
    isFeature: Check;
    isFeatureCollection: Check;
    isGeometryObject: Check;
    isBbox: Check;
  }
  const geojsonValidation: GeoJsonValidation;
  export default geojsonValidation;
}
