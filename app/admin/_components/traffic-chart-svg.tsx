import type { TrafficChart } from '@/lib/admin/view/traffic-chart';

const COLORS = { requests: '#7aa2e3', errors: '#c5221f', ttft: '#8a4b08', grid: '#e4e7eb', axis: '#4a4f57' };

/** The 24-hour chart as inline SVG, drawn on the server from layoutTrafficChart's geometry. */
export function TrafficChartSvg({ chart }: { chart: TrafficChart }) {
  const { plot } = chart;
  const summary = `Requests, errors and average time to first token per hour over the last 24 hours: ${chart.totals.requests} requests, ${chart.totals.errors} errors.`;
  return (
    <>
      <div className="chart-wrap">
      <svg className="chart" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        {chart.requestTicks.map((tick) => (
          <g key={`r${tick.y}`}>
            <line x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} stroke={COLORS.grid} />
            <text x={plot.left - 6} y={tick.y + 4} textAnchor="end" fontSize="12" fill={COLORS.axis}>
              {tick.label}
            </text>
          </g>
        ))}
        {chart.ttftTicks.map((tick) => (
          <text key={`t${tick.y}`} x={plot.right + 6} y={tick.y + 4} fontSize="12" fill={COLORS.ttft}>
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
        {chart.ttftPath ? <path d={chart.ttftPath} fill="none" stroke={COLORS.ttft} strokeWidth="2" /> : null}
        {chart.ttftPoints.map((point) => (
          <circle key={`p${point.x}`} cx={point.x} cy={point.y} r="2.5" fill={COLORS.ttft} />
        ))}
        <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke={COLORS.axis} />
        {chart.hourTicks.map((tick) => (
          <text key={`h${tick.x}`} x={tick.x} y={plot.bottom + 16} textAnchor="middle" fontSize="12" fill={COLORS.axis}>
            {tick.label}
          </text>
        ))}
      </svg>
      </div>
      <div className="legend" aria-hidden="true">
        <span><span className="swatch" style={{ background: COLORS.requests }} />requests per hour (left axis)</span>
        <span><span className="swatch" style={{ background: COLORS.errors }} />errors</span>
        <span><span className="swatch" style={{ background: COLORS.ttft }} />average time to first token (right axis)</span>
        <span>hours in UTC</span>
      </div>
    </>
  );
}
