/** Public status: each provider's state, recent success rate and time to first token. Refreshes itself. */
import { useEffect, useState } from 'react';
import { Icon } from '../components/Icon';
import { Badge, EmptyState, ErrorAlert, PageHeader, Spinner } from '../components/ui';
import { api } from '../lib/api';
import { formatDateTime, formatInt, formatMs, formatPercent, formatRelative } from '../lib/format';
import { providerName } from '../lib/providers';
import type { ProviderStatus } from '../lib/types';
import { useApi } from '../lib/useApi';

const REFRESH_MS = 15_000;

function stateTone(state: string): 'success' | 'warning' | 'danger' | 'neutral' {
  if (state === 'up') return 'success';
  if (state === 'degraded') return 'warning';
  if (state === 'down') return 'danger';
  return 'neutral';
}

function stateLabel(state: string): string {
  if (state === 'up') return 'Operational';
  if (state === 'degraded') return 'Degraded';
  if (state === 'down') return 'Down';
  return state;
}

export function StatusPage() {
  const status = useApi((signal) => api.status(signal), []);
  const [, setTick] = useState(0);
  const { reload } = status;

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
      setTick((tick) => tick + 1);
    }, REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  const providers = status.data?.providers ?? [];
  const relevant = providers.filter((provider) => provider.configured || provider.simulated);
  const down = relevant.filter((provider) => provider.state === 'down').length;
  const degraded = relevant.filter((provider) => provider.state === 'degraded').length;
  const overall =
    relevant.length === 0
      ? { tone: 'neutral', text: 'No providers configured' }
      : down > 0
        ? { tone: 'danger', text: down === relevant.length ? 'Major outage' : `${down} ${down === 1 ? 'provider is' : 'providers are'} down` }
        : degraded > 0
          ? { tone: 'warning', text: `${degraded} ${degraded === 1 ? 'provider is' : 'providers are'} degraded` }
          : { tone: 'success', text: 'All systems operational' };

  return (
    <div className="page">
      <PageHeader
        title="Status"
        description="Live health of every upstream provider, from the router's own measurements of recent requests."
        actions={
          <button type="button" className="btn btn-ghost" onClick={reload} disabled={status.loading}>
            <Icon name="refresh" /> Refresh
          </button>
        }
      />
      <ErrorAlert error={status.error} onRetry={reload} />
      {status.loading && !status.data ? (
        <Spinner />
      ) : status.data ? (
        <>
          <div className={`status-banner status-${overall.tone}`} role="status">
            <span className="status-light" aria-hidden="true" />
            <div>
              <p className="status-title">{overall.text}</p>
              <p className="status-updated">
                Updated{' '}
                <time dateTime={status.data.updated_at} title={formatDateTime(status.data.updated_at)}>
                  {formatRelative(status.data.updated_at)}
                </time>
                {' · refreshes every 15 seconds'}
              </p>
            </div>
          </div>
          {providers.length === 0 ? (
            <EmptyState title="No providers">The gateway has no providers configured.</EmptyState>
          ) : (
            <ul className="provider-grid">
              {providers.map((provider) => (
                <ProviderCard key={provider.id} provider={provider} />
              ))}
            </ul>
          )}
        </>
      ) : null}
    </div>
  );
}

function ProviderCard({ provider }: { provider: ProviderStatus }) {
  const inactive = !provider.configured && !provider.simulated;
  return (
    <li className={`provider-card provider-state-${inactive ? 'off' : provider.state}`}>
      <div className="provider-card-head">
        <h2>
          <span className={`provider-dot provider-${provider.id}`} aria-hidden="true" />
          {providerName(provider.id)}
        </h2>
        {inactive ? <Badge>Not configured</Badge> : <Badge tone={stateTone(provider.state)}>{stateLabel(provider.state)}</Badge>}
      </div>
      <dl className="provider-stats">
        <div>
          <dt>Success rate</dt>
          <dd>{formatPercent(provider.success_rate)}</dd>
        </div>
        <div>
          <dt>
            <abbr title="Time to first token">First token</abbr>
          </dt>
          <dd>{formatMs(provider.ttft_ms)}</dd>
        </div>
        {provider.recent_requests !== undefined ? (
          <div>
            <dt>Recent requests</dt>
            <dd>{formatInt(provider.recent_requests)}</dd>
          </div>
        ) : null}
      </dl>
      {provider.simulated ? <p className="provider-note">Served by the built-in simulator</p> : null}
    </li>
  );
}
