/**
 * Usage over time (30 days by day, or the last 24 hours by hour), by model, by key and by end user (the `user`,
 * `safety_identifier` or `metadata.user_id` requests named); the whole page can be narrowed to one end user.
 */
import { useId, useMemo, useState } from 'react';
import { MetricTabs, RankChart, TimeChart, type Metric, type RankRow } from '../components/charts';
import { Icon } from '../components/Icon';
import { Card, EmptyState, ErrorAlert, PageHeader, Spinner, StatCard } from '../components/ui';
import { api } from '../lib/api';
import { formatCompact, formatInt, formatUsd } from '../lib/format';
import { fillSeries } from '../lib/series';
import { useApi } from '../lib/useApi';

type Range = '24h' | '7d' | '30d' | '90d';

const RANGES: readonly { id: Range; label: string; granularity: 'day' | 'hour'; days: number; points: number }[] = [
  { id: '24h', label: 'Last 24 hours', granularity: 'hour', days: 1, points: 24 },
  { id: '7d', label: 'Last 7 days', granularity: 'day', days: 7, points: 7 },
  { id: '30d', label: 'Last 30 days', granularity: 'day', days: 30, points: 30 },
  { id: '90d', label: 'Last 90 days', granularity: 'day', days: 90, points: 90 },
];

export default function UsagePage() {
  const [rangeId, setRangeId] = useState<Range>('30d');
  const [metric, setMetric] = useState<Metric>('cost_usd');
  const [breakdownMetric, setBreakdownMetric] = useState<Metric>('cost_usd');
  const [endUser, setEndUser] = useState('');
  const range = RANGES.find((item) => item.id === rangeId) ?? RANGES[2]!;
  const usage = useApi((signal) => api.usage(range.granularity, range.days, signal, endUser || undefined), [range.granularity, range.days, endUser]);

  const points = useMemo(() => fillSeries(usage.data?.series ?? [], range.granularity, range.points), [usage.data, range.granularity, range.points]);
  const rangeTotals = useMemo(
    () =>
      points.reduce(
        (sum, point) => ({
          requests: sum.requests + point.requests,
          tokens: sum.tokens + point.tokens,
          cost: sum.cost + point.cost_usd,
          cacheHits: sum.cacheHits + point.response_cache_hits,
          cacheSaved: sum.cacheSaved + point.response_cache_saved_usd,
        }),
        { requests: 0, tokens: 0, cost: 0, cacheHits: 0, cacheSaved: 0 },
      ),
    [points],
  );
  const byModel: RankRow[] = (usage.data?.by_model ?? []).map((row) => ({
    name: row.model,
    requests: row.requests,
    tokens: row.tokens,
    cost_usd: row.cost_usd,
  }));
  const byKey: RankRow[] = (usage.data?.by_key ?? []).map((row) => ({
    name: row.name ?? row.key_id,
    requests: row.requests,
    tokens: row.tokens,
    cost_usd: row.cost_usd,
  }));
  const byUser: RankRow[] = (usage.data?.by_user ?? []).map((row) => ({
    name: row.user,
    requests: row.requests,
    tokens: row.tokens,
    cost_usd: row.cost_usd,
  }));
  const totals = usage.data?.totals;
  const metricName = metric === 'cost_usd' ? 'spend' : metric;

  return (
    <div className="page">
      <PageHeader
        title="Usage"
        description="Requests, tokens and spend across all your keys. Requests made with your own provider keys are included."
        actions={
          <>
            <fieldset className="segmented" aria-label="Time range">
              {RANGES.map((item) => (
                <button
                  key={item.id}
                  type="button"
                  aria-pressed={item.id === rangeId}
                  className={item.id === rangeId ? 'segment active' : 'segment'}
                  onClick={() => setRangeId(item.id)}
                >
                  {item.id === '24h' ? '24 h' : item.id.replace('d', ' days')}
                </button>
              ))}
            </fieldset>
            <button type="button" className="btn btn-ghost" onClick={usage.reload} disabled={usage.loading}>
              <Icon name="refresh" /> Refresh
            </button>
          </>
        }
      />

      <EndUserFilter key={endUser} value={endUser} onChange={setEndUser} />
      <ErrorAlert error={usage.error} onRetry={usage.reload} />

      <div className="stats">
        <StatCard
          label={`Spend · ${range.label.toLowerCase()}`}
          value={formatUsd(rangeTotals.cost)}
          hint={
            rangeTotals.cacheHits > 0
              ? `${formatUsd(rangeTotals.cacheSaved)} saved by the response cache · ${formatInt(rangeTotals.cacheHits)} cached ${rangeTotals.cacheHits === 1 ? 'answer' : 'answers'}`
              : undefined
          }
        />
        <StatCard label={`Requests · ${range.label.toLowerCase()}`} value={formatInt(rangeTotals.requests)} />
        <StatCard label={`Tokens · ${range.label.toLowerCase()}`} value={formatCompact(rangeTotals.tokens)} />
        <StatCard
          label="This month"
          value={totals ? formatUsd(totals.cost_usd) : '—'}
          hint={
            totals
              ? `${formatInt(totals.requests)} requests · ${formatCompact(totals.prompt_tokens + totals.completion_tokens)} tokens${
                  (totals.response_cache_hits ?? 0) > 0 ? ` · ${formatUsd(totals.response_cache_saved_usd ?? 0)} saved by the cache` : ''
                }`
              : undefined
          }
        />
      </div>

      <Card
        title={range.granularity === 'hour' ? 'By hour' : 'By day'}
        description={range.granularity === 'hour' ? 'Last 24 hours, your local time' : `${range.label}, UTC days`}
        actions={<MetricTabs value={metric} onChange={setMetric} label="Time chart metric" />}
      >
        {usage.loading && !usage.data ? (
          <Spinner />
        ) : (
          <TimeChart
            data={points}
            metric={metric}
            height={300}
            label={`${metricName} ${range.granularity === 'hour' ? 'per hour' : 'per day'}, ${range.label.toLowerCase()}`}
          />
        )}
      </Card>

      <div className="section-head">
        <h2>Breakdown</h2>
        <MetricTabs value={breakdownMetric} onChange={setBreakdownMetric} label="Breakdown metric" />
      </div>
      <div className="grid-2">
        <Card title="By model" description={range.label}>
          {usage.loading && !usage.data ? <Spinner /> : <Breakdown rows={byModel} metric={breakdownMetric} noun="model" />}
        </Card>
        <Card title="By key" description={range.label}>
          {usage.loading && !usage.data ? <Spinner /> : <Breakdown rows={byKey} metric={breakdownMetric} noun="key" />}
        </Card>
      </div>
      <Card title="By end user" description={`${range.label} · the costliest 100 · select one to see only their usage`}>
        {usage.loading && !usage.data ? (
          <Spinner />
        ) : (
          <Breakdown rows={byUser} metric={breakdownMetric} noun="end user" onSelect={endUser ? undefined : setEndUser} />
        )}
      </Card>
    </div>
  );
}

/** The end-user filter: a name typed and applied, or cleared (keyed by the applied one, so the field follows it). */
function EndUserFilter({ value, onChange }: { value: string; onChange: (user: string) => void }) {
  const [draft, setDraft] = useState(value);
  const id = useId();
  return (
    <form
      className="filters"
      onSubmit={(event) => {
        event.preventDefault();
        onChange(draft.trim());
      }}
    >
      <div className="field field-grow">
        <label htmlFor={id}>End user</label>
        <input
          id={id}
          maxLength={256}
          placeholder="All end users (or the user, safety_identifier or metadata.user_id your requests send)"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
      </div>
      <div className="field field-submit">
        <button type="submit" className="btn btn-secondary">
          Filter
        </button>
      </div>
      {value ? (
        <div className="field field-submit">
          <button type="button" className="btn btn-ghost" onClick={() => onChange('')}>
            Show all end users
          </button>
        </div>
      ) : null}
    </form>
  );
}

type Noun = 'model' | 'key' | 'end user';

const COLUMN: Record<Noun, string> = { model: 'Model', key: 'Key', 'end user': 'End user' };

function Breakdown({ rows, metric, noun, onSelect }: { rows: RankRow[]; metric: Metric; noun: Noun; onSelect?: (name: string) => void }) {
  if (rows.length === 0 && noun === 'end user') {
    return (
      <EmptyState title="No end users in this period">
        Send <code>user</code> (or <code>safety_identifier</code>, or <code>metadata.user_id</code> on /v1/messages) with your requests to see usage
        per end user.
      </EmptyState>
    );
  }
  if (rows.length === 0) {
    return <EmptyState title="No requests in this period">Make a request with one of your API keys and it shows up here.</EmptyState>;
  }
  const sorted = [...rows].sort((a, b) => b[metric] - a[metric]);
  const metricLabel = metric === 'cost_usd' ? 'spend' : metric;
  return (
    <>
      <RankChart rows={sorted} metric={metric} label={`${metricLabel} by ${noun}`} />
      <div className="table-wrap">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{COLUMN[noun]}</th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col" className="num">
                Tokens
              </th>
              <th scope="col" className="num">
                Spend
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.name}>
                <th scope="row" className="cell-strong">
                  {onSelect ? (
                    <button type="button" className="btn-link" onClick={() => onSelect(row.name)}>
                      {row.name}
                    </button>
                  ) : (
                    row.name
                  )}
                </th>
                <td className="num">{formatInt(row.requests)}</td>
                <td className="num">{formatInt(row.tokens)}</td>
                <td className="num">{formatUsd(row.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
