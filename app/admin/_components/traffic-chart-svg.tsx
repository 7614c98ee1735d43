import type { BarLineChart } from '@/lib/admin/view/traffic-chart';

const COLORS = { requests: '#7aa2e3', errors: '#c5221f', line: '#8a4b08', grid: '#e4e7eb', axis: '#4a4f57' };

/** A chart laid out by lib/admin/view/traffic-chart.ts (the 24-hour traffic, a key's 30 days) as inline SVG, drawn on the server. */
export function TrafficChartSvg({ chart }: { chart: BarLineChart }) {
  const { plot } = chart;
  return (
    <>
      <div className="chart-wrap">
      <svg className="chart" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-label={chart.summary}>
        <title>{chart.summary}</title>
        {chart.requestTicks.map((tick) => (
          <g key={`r${tick.y}`}>
            <line x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} stroke={COLORS.grid} />
            <text x={plot.left - 6} y={tick.y + 4} textAnchor="end" fontSize="12" fill={COLORS.axis}>
              {tick.label}
            </text>
          </g>
        ))}
        {chart.lineTicks.map((tick) => (
          <text key={`t${tick.y}`} x={plot.right + 6} y={tick.y + 4} fontSize="12" fill={COLORS.line}>
            {tick.label}
          </text>
        ))}
        {chart.bars.map((bar) => (
          <g key={bar.x}>
            <title>{bar.title}</title>
            <rect x={bar.x} y={bar.requestsY} width={bar.width} height={bar.requestsHeight} fill={COLORS.requests} />
            {bar.errorsHeight > 0 ? <rect x={bar.x} y={bar.errorsY} width={bar.width} height={bar.errorsHeight} fill={COLORS.errors} /> : null}
          </g>
        ))}
        {chart.linePath ? <path d={chart.linePath} fill="none" stroke={COLORS.line} strokeWidth="2" /> : null}
        {chart.linePoints.map((point) => (
          <circle key={`p${point.x}`} cx={point.x} cy={point.y} r="2.5" fill={COLORS.line} />
        ))}
        <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke={COLORS.axis} />
        {chart.bucketTicks.map((tick) => (
          <text key={`h${tick.x}`} x={tick.x} y={plot.bottom + 16} textAnchor="middle" fontSize="12" fill={COLORS.axis}>
            {tick.label}
          </text>
        ))}
      </svg>
      </div>
      <div className="legend" aria-hidden="true">
        <span><span className="swatch" style={{ background: COLORS.requests }} />{chart.legend.bars}</span>
        <span><span className="swatch" style={{ background: COLORS.errors }} />errors</span>
        <span><span className="swatch" style={{ background: COLORS.line }} />{chart.legend.line}</span>
        <span>{chart.legend.buckets}</span>
      </div>
    </>
  );
}
