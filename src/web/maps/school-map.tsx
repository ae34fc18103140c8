import { useTranslation } from 'react-i18next';
import { useFormat } from '@/web/format';
// Azerbaijan's outline from Natural Earth (public domain) via the `world-atlas` npm package (ISC); extracted by
// src/web/maps/extract-outline.ts and shipped with the app, so the map needs no internet and no tile server.
import outline from '@/web/maps/az-outline.json';

/** A school on the map. */
export interface MapPoint {
  id: number;
  latitude: number;
  longitude: number;
  status: 'good' | 'moderate' | 'bad' | 'unknown';
  name: string;
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
 */
export function SchoolMap({ points, title }: { points: MapPoint[]; title: string }) {
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
  return (
    <figure className="map">
      <svg
        viewBox={`0 0 ${WIDTH.toFixed(0)} ${HEIGHT.toFixed(0)}`}
        role="img"
        aria-label={`${title}. ${summary}`}
      >
        <path d={PATH} className="land" />
        {inside.map((p) => (
          <circle key={p.id} cx={x(p.longitude)} cy={y(p.latitude)} r={5} className={`dot conn-${p.status}`}>
            <title>{`${p.name}: ${t(`connectivity.status.${p.status}`)}`}</title>
          </circle>
        ))}
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
