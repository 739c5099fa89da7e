/**
 * City models generated for the import limits' tests: a CityGML-like document nested as deep as
 * asked (an attacker's file), and a valid CityJSON of gabled houses as large as asked (a real
 * district's size), both built in memory so no large fixture sits in the repository.
 */

/**
 * A CityGML document whose one building holds `depth` nested elements of a prefixed namespace: the
 * shape that made a namespace-resolving XML reader do work quadratic in the depth.
 */
export function deepCityGml(depth: number): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0"',
    ' xmlns:bldg="http://www.opengis.net/citygml/building/2.0"',
    ' xmlns:gen="http://www.opengis.net/citygml/generics/2.0" xmlns:gml="http://www.opengis.net/gml">\n',
    '<core:cityObjectMember><bldg:Building gml:id="tief">\n',
    '<gen:a>\n'.repeat(depth),
    '</gen:a>\n'.repeat(depth),
    '</bldg:Building></core:cityObjectMember>\n</core:CityModel>\n',
  ].join('');
}

/** Metres between the houses' corners in the generated grid. */
const SPACING_M = 20;
/** UTM 32N near Böblingen (EPSG:25832): the grid's south-west corner. */
const ORIGIN: [number, number] = [503_000, 5_392_000];

/**
 * A valid CityJSON 2.0 document (EPSG:25832) of LoD2 gabled houses on a grid, at least `bytes` long:
 * each house a 10 × 8 m block with eaves at 6 m and a ridge at 10 m. Vertices are stored through a
 * millimetre transform, as real files do.
 */
export function generatedCityJson(bytes: number): string {
  const objects: string[] = [];
  const vertices: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n += 1) {
    const x0 = ORIGIN[0] * 1000 + (n % 200) * SPACING_M * 1000;
    const y0 = ORIGIN[1] * 1000 + Math.floor(n / 200) * SPACING_M * 1000;
    const base = n * 10;
    const corners: [number, number, number][] = [
      [0, 0, 0],
      [10_000, 0, 0],
      [10_000, 8000, 0],
      [0, 8000, 0],
      [0, 0, 6000],
      [10_000, 0, 6000],
      [10_000, 8000, 6000],
      [0, 8000, 6000],
      [0, 4000, 10_000],
      [10_000, 4000, 10_000],
    ];
    const vertexText = corners.map(([x, y, z]) => `[${x + x0},${y + y0},${z}]`).join(',');
    vertices.push(vertexText);
    const v = (i: number) => base + i;
    const faces = [
      [v(0), v(3), v(2), v(1)],
      [v(0), v(1), v(5), v(4)],
      [v(1), v(2), v(6), v(9), v(5)],
      [v(2), v(3), v(7), v(6)],
      [v(3), v(0), v(4), v(8), v(7)],
      [v(4), v(5), v(9), v(8)],
      [v(6), v(7), v(8), v(9)],
    ];
    const object =
      `"haus-${n}":{"type":"Building","attributes":{"measuredHeight":10,"storeysAboveGround":2},` +
      `"geometry":[{"type":"Solid","lod":"2","boundaries":[[${faces.map((f) => `[[${f.join(',')}]]`).join(',')}]],` +
      `"semantics":{"surfaces":[{"type":"GroundSurface"},{"type":"WallSurface"},{"type":"RoofSurface"}],` +
      `"values":[[0,1,1,1,1,2,2]]}}]}`;
    objects.push(object);
    size += object.length + vertexText.length + 2;
  }
  return (
    '{"type":"CityJSON","version":"2.0","transform":{"scale":[0.001,0.001,0.001],"translate":[0,0,0]},' +
    '"metadata":{"referenceSystem":"https://www.opengis.net/def/crs/EPSG/0/25832"},' +
    `"CityObjects":{${objects.join(',')}},"vertices":[${vertices.join(',')}]}`
  );
}
