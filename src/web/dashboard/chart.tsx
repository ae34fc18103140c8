/**
 * A small line chart in plain SVG (a charting library would outweigh the rest of the dashboard): shares from
 * 0 to 100 % across academic years, one line per series, with the values written at each point so the chart
 * reads without colour. The data is also in a table beside it, and in its CSV.
 */
export interface Series {
  key: string;
  label: string;
  values: (number | null)[];
}

const W = 320;
const H = 180;
const LEFT = 34;
const BOTTOM = 22;
const TOP = 10;
const RIGHT = 12;

/** Years along the bottom, 0–100 % up the side. */
export function TrendChart({
  years,
  series,
  title,
  percent,
}: {
  years: string[];
  series: Series[];
  title: string;
  percent: (fraction: number) => string;
}) {
  const step = years.length > 1 ? (W - LEFT - RIGHT) / (years.length - 1) : 0;
  const px = (i: number) => LEFT + (years.length > 1 ? i * step : (W - LEFT - RIGHT) / 2);
  const py = (v: number) => TOP + (1 - Math.max(0, Math.min(1, v))) * (H - TOP - BOTTOM);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line x1={LEFT} x2={W - RIGHT} y1={py(v)} y2={py(v)} className="grid-line" />
            <text x={LEFT - 4} y={py(v) + 4} textAnchor="end" className="axis">
              {percent(v)}
            </text>
          </g>
        ))}
        {years.map((year, i) => (
          <text key={year} x={px(i)} y={H - 6} textAnchor="middle" className="axis">
            {year}
          </text>
        ))}
        {series.map((s, n) => {
          const points = s.values
            .map((v, i) => (v === null ? null : `${px(i).toFixed(1)},${py(v).toFixed(1)}`))
            .filter((p): p is string => p !== null);
          return (
            <g key={s.key} className={`series s${n}`}>
              <polyline points={points.join(' ')} fill="none" />
              {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={px(i)} cy={py(v)} r={3} />))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend">
          {series.map((s, n) => (
            <li key={s.key}>
              <span className={`swatch s${n}`} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
