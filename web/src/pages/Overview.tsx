/** This month at a glance: spend against the cap, requests, tokens, and the last 30 days. */
import { useEffect, useMemo, useState } from 'react';
import { MetricTabs, TimeChart, type Metric } from '../components/charts';
import { Icon } from '../components/Icon';
import { planName } from '../components/Layout';
import { Card, CopyButton, ErrorAlert, Gauge, PageHeader, Spinner, StatCard } from '../components/ui';
import { api } from '../lib/api';
import { formatCompact, formatInt, formatUsd } from '../lib/format';
import { Link } from '../lib/router';
import { fillSeries } from '../lib/series';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';

export default function OverviewPage() {
  const { me, refresh } = useSession();
  const [metric, setMetric] = useState<Metric>('cost_usd');
  const usage = useApi((signal) => api.usage('day', 30, signal), []);
  const keys = useApi((signal) => api.keys(signal), []);

  // The session's month totals are as old as the last /api/me; freshen them.
  useEffect(() => {
    refresh().catch(() => undefined);
  }, [refresh]);

  const points = useMemo(() => fillSeries(usage.data?.series ?? [], 'day', 30), [usage.data]);
  if (!me) return null;

  const month = me.month ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
  const limits = me.limits ?? { rpm: null, tpm: null, concurrent: null, included_tokens: null };
  const tokens = month.prompt_tokens + month.completion_tokens;
  const cap = me.spend_cap_usd;
  const included = limits.included_tokens;
  const activeKeys = keys.data?.data.filter((key) => key.status !== 'revoked').length;
  const hasTraffic = month.requests > 0 || points.some((point) => point.requests > 0);
  const baseUrl = `${window.location.origin}/v1`;
  const monthName = new Intl.DateTimeFormat(undefined, { month: 'long' }).format(new Date());

  return (
    <div className="page">
      <PageHeader
        title="Overview"
        description={`${monthName} so far for ${me.account.email} · ${planName(me.account.plan)} plan`}
        actions={
          <Link to="/playground" className="btn btn-secondary">
            <Icon name="chat" /> Open Playground
          </Link>
        }
      />

      <div className="stats">
        <StatCard
          label="Spend this month"
          value={formatUsd(month.cost_usd)}
          hint={cap !== null && cap !== undefined ? `of ${formatUsd(cap)} monthly cap` : 'No monthly spend cap'}
        >
          {cap ? <Gauge ratio={month.cost_usd / cap} label="Spend against monthly cap" /> : null}
        </StatCard>
        <StatCard label="Requests" value={formatInt(month.requests)} hint="this month" />
        <StatCard
          label="Tokens"
          value={formatCompact(tokens)}
          hint={
            included
              ? `of ${formatCompact(included)} included · ${formatCompact(month.prompt_tokens)} in / ${formatCompact(month.completion_tokens)} out`
              : `${formatCompact(month.prompt_tokens)} prompt · ${formatCompact(month.completion_tokens)} completion`
          }
        >
          {included ? <Gauge ratio={tokens / included} label="Tokens against included tokens" /> : null}
        </StatCard>
        <StatCard
          label="Rate limits"
          value={limits.rpm ? `${formatInt(limits.rpm)} rpm` : '—'}
          hint={`${limits.tpm ? formatCompact(limits.tpm) : '—'} tokens/min · ${limits.concurrent ?? '—'} concurrent`}
        />
      </div>

      {!hasTraffic && activeKeys === 0 ? <GettingStarted baseUrl={baseUrl} /> : null}

      <Card
        title="Last 30 days"
        description="Daily totals, UTC days"
        actions={<MetricTabs value={metric} onChange={setMetric} label="Chart metric" />}
      >
        <ErrorAlert error={usage.error} onRetry={usage.reload} />
        {usage.loading && !usage.data ? (
          <Spinner />
        ) : (
          <TimeChart data={points} metric={metric} label={`Daily ${metric === 'cost_usd' ? 'spend' : metric}, last 30 days`} />
        )}
        <div className="card-footer">
          <Link to="/usage" className="text-link">
            Breakdown by model and key <Icon name="arrow-right" />
          </Link>
        </div>
      </Card>

      <div className="grid-2">
        <Card title="Connect your app" description="Any OpenAI SDK works — change two settings.">
          <div className="copy-field">
            <code className="mono-box">{baseUrl}</code>
            <CopyButton text={baseUrl} />
          </div>
          <pre className="code">{`from openai import OpenAI

client = OpenAI(
    api_key="op_…",  # from API Keys
    base_url="${baseUrl}",
)
reply = client.chat.completions.create(
    model="auto",  # or any id on the Models page
    messages=[{"role": "user", "content": "Hello!"}],
)
print(reply.usage.cost_usd)`}</pre>
        </Card>
        <Card title="Your setup">
          <ul className="checklist">
            <li className={activeKeys ? 'done' : ''}>
              <Icon name={activeKeys ? 'check' : 'key'} />
              <span>{activeKeys ? `${activeKeys} active API ${activeKeys === 1 ? 'key' : 'keys'}` : 'No API key yet'}</span>
              <Link to="/keys" className="text-link">
                {activeKeys ? 'Manage' : 'Create one'}
              </Link>
            </li>
            <li>
              <Icon name="plug" />
              <span>Bring your own provider keys (optional)</span>
              <Link to="/provider-keys" className="text-link">
                Add a provider key
              </Link>
            </li>
            <li>
              <Icon name="cube" />
              <span>Browse models and prices</span>
              <Link to="/models" className="text-link">
                View catalog
              </Link>
            </li>
            <li>
              <Icon name="pulse" />
              <span>Provider health</span>
              <Link to="/status" className="text-link">
                View status
              </Link>
            </li>
          </ul>
        </Card>
      </div>
    </div>
  );
}

function GettingStarted({ baseUrl }: { baseUrl: string }) {
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <div>
        <h2 id="welcome-title">Welcome to OriginalPoint</h2>
        <p>
          Create an API key, point your OpenAI client at <code>{baseUrl}</code>, and every model is one request away.
        </p>
      </div>
      <ol className="steps">
        <li>
          <span className="step-number">1</span>
          <Link to="/keys">Create an API key</Link>
        </li>
        <li>
          <span className="step-number">2</span>
          <Link to="/playground">Try it in the Playground</Link>
        </li>
        <li>
          <span className="step-number">3</span>
          <Link to="/usage">Watch usage and cost</Link>
        </li>
      </ol>
    </section>
  );
}
