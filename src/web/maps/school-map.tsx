import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '@/web/format';
// Azerbaijan's outline from Natural Earth (public domain) via the `world-atlas` npm package (ISC); extracted by
// src/web/maps/extract-outline.ts and shipped with the app, so the map needs no internet and no tile server.
import outline from '@/web/maps/az-outline.json';

/** A school on the map: the map's answer carries no names, a chosen school is fetched on its own. */
export interface MapPoint {
  id: number;
  latitude: number;
  longitude: number;
  status: 'good' | 'moderate' | 'bad' | 'unknown';
}

const STATUSES = ['good', 'moderate', 'bad', 'unknown'] as const;
const [minLon, minLat, maxLon, maxLat] = outline.bbox as [number, number, number, number];
// Equirectangular, with longitude shrunk by the cosine of the middle latitude so the country keeps its shape.
const K = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
const PAD = 0.15;
const WIDTH = (maxLon - minLon + 2 * PAD) * K * 100;
const HEIGHT = (maxLat - minLat + 2 * PAD) * 100;
const x = (lon: number) => (lon - minLon + PAD) * K * 100;
const y = (lat: number) => (maxLat + PAD - lat) * 100;
/** How far from a tap (in map units, about 10 px on a 360-px phone) a dot still counts as tapped. */
const REACH = 18;

const PATH = outline.geometry.coordinates
  .flatMap((polygon) =>
    polygon.map(
      (ring) => `M${ring.map(([lon, lat]) => `${x(lon!).toFixed(1)},${y(lat!).toFixed(1)}`).join('L')}Z`,
    ),
  )
  .join('');

/**
 * Schools as dots on Azerbaijan's outline, coloured by connectivity status. The picture is a summary for the
 * eye: its label says how many schools are in each status, and the same data is in the tables and their CSV.
 * A click or tap picks the nearest dot (`onPick`), so a finger on a phone need not hit one exactly.
 */
export function SchoolMap({
  points,
  title,
  selected = null,
  onPick,
}: {
  points: MapPoint[];
  title: string;
  selected?: number | null;
  onPick?: (id: number) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const counts = STATUSES.map((s) => ({ status: s, n: points.filter((p) => p.status === s).length }));
  const summary = counts.map((c) => `${t(`connectivity.status.${c.status}`)}: ${f.number(c.n)}`).join(', ');
  const inside = points.filter(
    (p) =>
      p.longitude >= minLon - 1 &&
      p.longitude <= maxLon + 1 &&
      p.latitude >= minLat - 1 &&
      p.latitude <= maxLat + 1,
  );
  const chosen = selected === null ? undefined : inside.find((p) => p.id === selected);
  const pick = (event: MouseEvent<SVGSVGElement>) => {
    const matrix = event.currentTarget.getScreenCTM();
    if (!onPick || !matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    let best: MapPoint | undefined;
    let bestDistance = REACH * REACH;
    for (const p of inside) {
      const d = (x(p.longitude) - at.x) ** 2 + (y(p.latitude) - at.y) ** 2;
      if (d <= bestDistance) [best, bestDistance] = [p, d];
    }
    if (best) onPick(best.id);
  };
  return (
    <figure className="map">
      <svg
        viewBox={`0 0 ${WIDTH.toFixed(0)} ${HEIGHT.toFixed(0)}`}
        role="img"
        aria-label={`${title}. ${summary}`}
        onClick={pick}
        style={onPick ? { cursor: 'pointer' } : undefined}
      >
        <path d={PATH} className="land" />
        {inside.map((p) => (
          <circle
            key={p.id}
            cx={x(p.longitude)}
            cy={y(p.latitude)}
            r={5}
            className={`dot conn-${p.status}`}
            data-id={p.id}
          />
        ))}
        {chosen ? (
          <circle
            cx={x(chosen.longitude)}
            cy={y(chosen.latitude)}
            r={11}
            fill="none"
            stroke="currentColor"
            strokeWidth={4}
            className={`conn-${chosen.status}`}
            data-selected={chosen.id}
          />
        ) : null}
      </svg>
      <figcaption>
        <ul className="legend">
          {counts.map((c) => (
            <li key={c.status}>
              <span className={`swatch conn-${c.status}`} aria-hidden="true" />
              {t(`connectivity.status.${c.status}`)}: {f.number(c.n)}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
