// A small server-rendered SVG bar chart (stacked series), with the same figures in a table
// under it for screen readers: no charting library reaches the browser.
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** `keys`: one unique key per bar (the hour's epoch ms: labels can repeat, `13h` today and yesterday). */
export function BarChart({
  title,
  keys,
  labels,
  series,
  unit = '',
  testId,
}: {
  title: string;
  keys: number[];
  labels: string[];
  series: Series[];
  unit?: string;
  testId: string;
}) {
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
            <th>hour (UTC)</th>
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
