/** Recharts wrappers with the dashboard's colours, axes and tooltips. */
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { formatCompact, formatInt, formatUsd } from '../lib/format';
import type { ChartPoint } from '../lib/series';

export type Metric = 'cost_usd' | 'requests' | 'tokens';

export const METRICS: readonly { id: Metric; label: string }[] = [
  { id: 'cost_usd', label: 'Spend' },
  { id: 'requests', label: 'Requests' },
  { id: 'tokens', label: 'Tokens' },
];

export const COLORS = {
  accent: '#4f46e5',
  accentSoft: '#a5b4fc',
  teal: '#0d9488',
  amber: '#d97706',
  grid: '#e7e9f0',
  axis: '#6b7280',
  palette: ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#2563eb', '#7c3aed', '#059669', '#dc2626', '#0891b2', '#65a30d'],
};

export function formatMetric(metric: Metric, value: number): string {
  return metric === 'cost_usd' ? formatUsd(value) : formatInt(value);
}

function axisTick(metric: Metric) {
  return (value: number) => (metric === 'cost_usd' ? axisUsd(value) : formatCompact(value));
}

function axisUsd(value: number): string {
  if (value === 0) return '$0';
  if (value >= 1000) return `$${formatCompact(value)}`;
  if (value >= 1) return `$${value.toFixed(value >= 10 ? 0 : 1)}`;
  return `$${Number(value.toPrecision(2))}`;
}

function pointOf(props: TooltipContentProps): ChartPoint | null {
  const entry = props.payload[0];
  const point: unknown = entry ? entry.payload : null;
  return point && typeof point === 'object' && 'fullLabel' in point ? (point as ChartPoint) : null;
}

function TimeTooltip(props: TooltipContentProps) {
  const point = props.active ? pointOf(props) : null;
  if (!point) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{point.fullLabel}</p>
      <dl>
        <div>
          <dt>Spend</dt>
          <dd>{formatUsd(point.cost_usd)}</dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{formatInt(point.requests)}</dd>
        </div>
        <div>
          <dt>Prompt tokens</dt>
          <dd>{formatInt(point.prompt_tokens)}</dd>
        </div>
        <div>
          <dt>Completion tokens</dt>
          <dd>{formatInt(point.completion_tokens)}</dd>
        </div>
      </dl>
    </div>
  );
}

/** Spend, requests or tokens over time. Tokens are stacked prompt + completion bars. */
export function TimeChart({ data, metric, height = 280, label }: { data: ChartPoint[]; metric: Metric; height?: number; label: string }) {
  const tickInterval = data.length > 16 ? Math.ceil(data.length / 8) - 1 : 0;
  const common = {
    data,
    margin: { top: 8, right: 8, bottom: 0, left: 0 },
    accessibilityLayer: true,
  };
  const xAxis = (
    <XAxis dataKey="label" tickLine={false} axisLine={false} interval={tickInterval} tick={{ fill: COLORS.axis, fontSize: 12 }} tickMargin={8} />
  );
  const yAxis = (
    <YAxis
      tickLine={false}
      axisLine={false}
      width={56}
      tick={{ fill: COLORS.axis, fontSize: 12 }}
      tickFormatter={axisTick(metric)}
      allowDecimals={metric === 'cost_usd'}
    />
  );
  const grid = <CartesianGrid vertical={false} stroke={COLORS.grid} />;
  const tooltip = <Tooltip content={TimeTooltip} cursor={{ fill: 'rgba(79,70,229,0.06)', stroke: COLORS.accentSoft }} />;

  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        {metric === 'cost_usd' ? (
          <AreaChart {...common}>
            <defs>
              <linearGradient id="spend-fill" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={COLORS.accent} stopOpacity={0.28} />
                <stop offset="100%" stopColor={COLORS.accent} stopOpacity={0.02} />
              </linearGradient>
            </defs>
            {grid}
            {xAxis}
            {yAxis}
            {tooltip}
            <Area
              type="monotone"
              dataKey="cost_usd"
              name="Spend"
              stroke={COLORS.accent}
              strokeWidth={2}
              fill="url(#spend-fill)"
              isAnimationActive={false}
            />
          </AreaChart>
        ) : metric === 'requests' ? (
          <BarChart {...common}>
            {grid}
            {xAxis}
            {yAxis}
            {tooltip}
            <Bar dataKey="requests" name="Requests" fill={COLORS.accent} radius={[4, 4, 0, 0]} maxBarSize={28} isAnimationActive={false} />
          </BarChart>
        ) : (
          <BarChart {...common}>
            {grid}
            {xAxis}
            {yAxis}
            {tooltip}
            <Bar dataKey="prompt_tokens" name="Prompt tokens" stackId="tokens" fill={COLORS.accent} maxBarSize={28} isAnimationActive={false} />
            <Bar
              dataKey="completion_tokens"
              name="Completion tokens"
              stackId="tokens"
              fill={COLORS.teal}
              radius={[4, 4, 0, 0]}
              maxBarSize={28}
              isAnimationActive={false}
            />
          </BarChart>
        )}
      </ResponsiveContainer>
      {metric === 'tokens' ? (
        <ul className="chart-legend" aria-hidden="true">
          <li>
            <span className="swatch swatch-accent" /> Prompt
          </li>
          <li>
            <span className="swatch swatch-teal" /> Completion
          </li>
        </ul>
      ) : null}
    </figure>
  );
}

export interface RankRow {
  name: string;
  requests: number;
  tokens: number;
  cost_usd: number;
}

function RankTooltip(props: TooltipContentProps) {
  const entry = props.active ? props.payload[0] : undefined;
  const row: unknown = entry ? entry.payload : null;
  if (!row || typeof row !== 'object' || !('name' in row)) return null;
  const data = row as RankRow;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{data.name}</p>
      <dl>
        <div>
          <dt>Spend</dt>
          <dd>{formatUsd(data.cost_usd)}</dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{formatInt(data.requests)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{formatInt(data.tokens)}</dd>
        </div>
      </dl>
    </div>
  );
}

/** Horizontal bars, one per model or key, longest first. */
export function RankChart({ rows, metric, label }: { rows: RankRow[]; metric: Metric; label: string }) {
  const sorted = [...rows].sort((a, b) => b[metric] - a[metric]).slice(0, 10);
  const height = Math.max(120, sorted.length * 36 + 24);
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={sorted} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }} accessibilityLayer>
          <CartesianGrid horizontal={false} stroke={COLORS.grid} />
          <XAxis
            type="number"
            tickLine={false}
            axisLine={false}
            tick={{ fill: COLORS.axis, fontSize: 12 }}
            tickFormatter={axisTick(metric)}
            allowDecimals={metric === 'cost_usd'}
          />
          <YAxis type="category" dataKey="name" tickLine={false} axisLine={false} width={150} tick={{ fill: '#374151', fontSize: 12 }} />
          <Tooltip content={RankTooltip} cursor={{ fill: 'rgba(79,70,229,0.06)' }} />
          <Bar dataKey={metric} radius={[0, 4, 4, 0]} maxBarSize={22} isAnimationActive={false}>
            {sorted.map((row, index) => (
              <Cell key={row.name} fill={COLORS.palette[index % COLORS.palette.length]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** A metric switcher (Spend / Requests / Tokens) drawn as a segmented control. */
export function MetricTabs({ value, onChange, label }: { value: Metric; onChange: (metric: Metric) => void; label: string }) {
  return (
    <fieldset className="segmented" aria-label={label}>
      {METRICS.map((metric) => (
        <button
          key={metric.id}
          type="button"
          aria-pressed={value === metric.id}
          className={value === metric.id ? 'segment active' : 'segment'}
          onClick={() => onChange(metric.id)}
        >
          {metric.label}
        </button>
      ))}
    </fieldset>
  );
}
