/**
 * Writes Azerbaijan's outline (src/web/maps/az-outline.json) from the `world-atlas` package: Natural Earth's
 * 1:50m admin-0 countries as TopoJSON (world-atlas is ISC-licensed; Natural Earth is in the public domain).
 * Run once, the output is committed so the map works with no internet and no tile server:
 *   node bin/run-ts.js src/web/maps/extract-outline.ts && npx prettier --write src/web/maps/az-outline.json
 */
import fs from 'node:fs';
import path from 'node:path';

interface Topology {
  transform: { scale: [number, number]; translate: [number, number] };
  arcs: [number, number][][];
  objects: { countries: { geometries: { id: string; type: string; arcs: number[][][] }[] } };
}

const topology = JSON.parse(
  fs.readFileSync(path.resolve('node_modules/world-atlas/countries-50m.json'), 'utf8'),
) as Topology;
const { scale, translate } = topology.transform;

// TopoJSON arcs are delta-encoded, quantised positions; a negative index is the arc reversed (~i).
const decoded = topology.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [
      Math.round((x * scale[0] + translate[0]) * 1000) / 1000,
      Math.round((y * scale[1] + translate[1]) * 1000) / 1000,
    ];
  });
});
const ring = (indices: number[]) =>
  indices.flatMap((i, n) => {
    const points = i >= 0 ? decoded[i]! : [...decoded[~i]!].reverse();
    return n === 0 ? points : points.slice(1);
  });

const azerbaijan = topology.objects.countries.geometries.find((g) => g.id === '031');
if (!azerbaijan || azerbaijan.type !== 'MultiPolygon') throw new Error('Azerbaijan (031) not found');
const polygons = azerbaijan.arcs.map((polygon) => polygon.map((r) => ring(r)));
const all = polygons.flat(2);
const bbox = [
  Math.min(...all.map((p) => p[0]!)),
  Math.min(...all.map((p) => p[1]!)),
  Math.max(...all.map((p) => p[0]!)),
  Math.max(...all.map((p) => p[1]!)),
];
const geojson = {
  type: 'Feature',
  properties: { name: 'Azerbaijan', source: 'Natural Earth 1:50m via world-atlas 2 (ISC)' },
  bbox,
  geometry: { type: 'MultiPolygon', coordinates: polygons },
};
fs.writeFileSync(path.resolve('src/web/maps/az-outline.json'), `${JSON.stringify(geojson)}\n`);
console.log(`bbox ${bbox.join(', ')}; ${all.length} points`);
