'use client';
// A small SVG bar chart (stacked series), with the same figures in a table under it for screen
// readers: no charting library reaches the browser. Its bars are hours, labelled in the reader's
// time zone (rendered in UTC on the server, which does not know the zone, and relabelled once
// mounted: no hydration mismatch).
import { useEffect, useState } from 'react';
import { hourLabel } from '@/lib/words';

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** `keys`: the hour of each bar (epoch ms, also its React key: labels can repeat, 13:00 today and yesterday); `withDate`: label every bar with its day (a window over several days). */
export function BarChart({
  title,
  keys,
  withDate = false,
  series,
  unit = '',
  testId,
}: {
  title: string;
  keys: number[];
  withDate?: boolean;
  series: Series[];
  unit?: string;
  testId: string;
}) {
  const [timeZone, setTimeZone] = useState('UTC');
  useEffect(() => setTimeZone(new Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const labels = keys.map((k) => hourLabel(k, withDate, timeZone));
  const W = 560,
    H = 140,
    pad = 28;
  const totals = labels.map((_, i) => series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const bw = (W - pad) / Math.max(1, labels.length);
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label={title}>
        <line x1={pad} y1={H} x2={W} y2={H} stroke="#cfd3dd" />
        <text x={0} y={10} fontSize="10" fill="#6b7280">
          {max.toLocaleString('en', { maximumFractionDigits: 1 })}
          {unit}
        </text>
        <text x={0} y={H} fontSize="10" fill="#6b7280">
          0
        </text>
        {labels.map((label, i) => {
          let y = H;
          return (
            <g key={keys[i]}>
              {series.map((s) => {
                const v = s.values[i] ?? 0;
                const h = (v / max) * (H - 14);
                y -= h;
                return v > 0 ? (
                  <rect key={s.name} x={pad + i * bw + 1} y={y} width={Math.max(1, bw - 2)} height={h} fill={s.color}>
                    <title>{`${label}: ${s.name} ${v}${unit}`}</title>
                  </rect>
                ) : null;
              })}
              {(labels.length <= 24 || i % Math.ceil(labels.length / 12) === 0) && (
                <text x={pad + i * bw + bw / 2} y={H + 14} fontSize="9" textAnchor="middle" fill="#6b7280">
                  {label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {title}{' '}
        {series.length > 1 &&
          series.map((s) => (
            <span key={s.name} className="legend">
              <i style={{ background: s.color }} />
              {s.name}
            </span>
          ))}
      </figcaption>
      <table className="sr-table">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th>hour ({timeZone})</th>
            {series.map((s) => (
              <th key={s.name}>{s.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={keys[i]}>
              <td>{l}</td>
              {series.map((s) => (
                <td key={s.name}>{s.values[i] ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
