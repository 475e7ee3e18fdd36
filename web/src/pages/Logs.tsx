/** The request log: newest first, paged with the API's cursor, filterable by model, key and status. */
import { useId, useState } from 'react';
import { Icon } from '../components/Icon';
import { Badge, Card, EmptyState, ErrorAlert, PageHeader, Spinner } from '../components/ui';
import { api } from '../lib/api';
import { formatDateTime, formatInt, formatLogTime, formatMs, formatUsd } from '../lib/format';
import { providerName } from '../lib/providers';
import type { LogEndpoint, LogEntry } from '../lib/types';
import { useApi } from '../lib/useApi';

const PAGE_SIZE = 50;

const STATUS_OPTIONS: readonly { value: string; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'success', label: 'Successful (2xx)' },
  { value: 'error', label: 'Failed (4xx, 5xx)' },
  { value: '200', label: '200 OK' },
  { value: '400', label: '400 Bad request' },
  { value: '401', label: '401 Unauthorized' },
  { value: '402', label: '402 Quota exceeded' },
  { value: '429', label: '429 Rate limited' },
  { value: '499', label: '499 Client closed' },
  { value: '500', label: '500 Internal error' },
  { value: '502', label: '502 Provider error' },
  { value: '503', label: '503 Unavailable' },
  { value: '504', label: '504 Timeout' },
];

export function LogsPage() {
  const [model, setModel] = useState('');
  const [keyId, setKeyId] = useState('');
  const [status, setStatus] = useState('');
  /** Cursors of the pages before the current one; the last entry is the current page's cursor. */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const modelId = useId();
  const keyFieldId = useId();
  const statusId = useId();

  const models = useApi((signal) => api.models(signal), []);
  const keys = useApi((signal) => api.keys(signal), []);
  const logs = useApi((signal) => api.logs({ limit: PAGE_SIZE, cursor, model, key_id: keyId, status }, signal), [cursor, model, keyId, status]);

  const resetPaging = () => setCursors([null]);
  const rows = logs.data?.data ?? [];
  const page = cursors.length;
  const filtered = Boolean(model || keyId || status);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Logs"
        description="Every request to the gateway with its endpoint, routed model, tokens, cost and latency."
        actions={
          <button type="button" className="btn btn-ghost" onClick={logs.reload} disabled={logs.loading}>
            <Icon name="refresh" /> Refresh
          </button>
        }
      />

      <Card>
        <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter requests">
          <div className="field">
            <label htmlFor={modelId}>Model</label>
            <select
              id={modelId}
              value={model}
              onChange={(event) => {
                setModel(event.target.value);
                resetPaging();
              }}
            >
              <option value="">Any model</option>
              <option value="auto">auto</option>
              {(models.data ?? []).map((item) => (
                <option key={item.id} value={item.id}>
                  {item.id}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={keyFieldId}>Key</label>
            <select
              id={keyFieldId}
              value={keyId}
              onChange={(event) => {
                setKeyId(event.target.value);
                resetPaging();
              }}
            >
              <option value="">Any key</option>
              {(keys.data?.data ?? []).map((key) => (
                <option key={key.id} value={key.id}>
                  {key.name} (…{key.last4}){key.status === 'revoked' ? ' — revoked' : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={statusId}>Status</label>
            <select
              id={statusId}
              value={status}
              onChange={(event) => {
                setStatus(event.target.value);
                resetPaging();
              }}
            >
              {STATUS_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          {filtered ? (
            <div className="field field-submit">
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setModel('');
                  setKeyId('');
                  setStatus('');
                  resetPaging();
                }}
              >
                Clear filters
              </button>
            </div>
          ) : null}
        </form>

        <ErrorAlert error={logs.error} onRetry={logs.reload} />
        {logs.loading && !logs.data ? (
          <Spinner />
        ) : rows.length === 0 ? (
          <EmptyState title={filtered ? 'No requests match these filters' : 'No requests yet'}>
            {filtered ? 'Try another model, key or status.' : 'Requests made with your API keys appear here within a second.'}
          </EmptyState>
        ) : (
          <div className={logs.loading ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={logs.loading}>
            <table className="table table-logs">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Key</th>
                  <th scope="col">Requested model</th>
                  <th scope="col">Routed model</th>
                  <th scope="col">Provider</th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <LogRow key={row.request_id} row={row} />
                ))}
              </tbody>
            </table>
          </div>
        )}

        <nav className="pager" aria-label="Pages">
          <span className="muted">
            Page {page}
            {rows.length ? ` · ${formatInt(rows.length)} requests` : ''}
          </span>
          <div className="pager-buttons">
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={page <= 1 || logs.loading}
              onClick={() => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list))}
            >
              Newer
            </button>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={!logs.data?.next_cursor || logs.loading}
              onClick={() => {
                const next = logs.data?.next_cursor;
                if (next) setCursors((list) => [...list, next]);
              }}
            >
              Older
            </button>
          </div>
        </nav>
      </Card>
    </div>
  );
}

function statusTone(status: number): 'success' | 'warning' | 'danger' | 'neutral' {
  if (status >= 200 && status < 300) return 'success';
  if (status >= 400 && status < 500) return 'warning';
  if (status >= 500) return 'danger';
  return 'neutral';
}

/** Each endpoint's name in the log and the route it is served at. */
const ENDPOINTS: Record<string, { label: string; route: string }> = {
  'chat.completions': { label: 'Chat', route: 'POST /v1/chat/completions' },
  embeddings: { label: 'Embeddings', route: 'POST /v1/embeddings' },
  responses: { label: 'Responses', route: 'POST /v1/responses' },
  messages: { label: 'Messages', route: 'POST /v1/messages' },
};

function EndpointName({ endpoint }: { endpoint: LogEndpoint }) {
  const known = ENDPOINTS[endpoint];
  return known ? <span title={known.route}>{known.label}</span> : <code>{endpoint}</code>;
}

const ESTIMATED_TITLE = 'Estimated: the provider reported no usage, so the gateway counted these tokens itself and priced them';

function LogRow({ row }: { row: LogEntry }) {
  const rerouted = row.requested_model && row.routed_model && row.requested_model !== row.routed_model;
  const tokens = row.prompt_tokens + row.completion_tokens;
  const split = `${formatInt(row.prompt_tokens)} prompt + ${formatInt(row.completion_tokens)} completion`;
  return (
    <tr>
      <td className="nowrap">
        <span title={`${formatDateTime(row.time)} · request ${row.request_id}`}>{formatLogTime(row.time)}</span>
      </td>
      <td className="nowrap">
        <EndpointName endpoint={row.endpoint} />
      </td>
      <td className="nowrap">{row.key_name ?? (row.key_id ? <code>{row.key_id}</code> : '—')}</td>
      <td className="nowrap">{row.requested_model ?? '—'}</td>
      <td className={rerouted ? 'cell-strong nowrap' : 'nowrap'}>{row.routed_model ?? <span className="muted">—</span>}</td>
      <td className="nowrap">
        {providerName(row.provider)}
        {row.byok ? (
          <>
            {' '}
            <Badge tone="info">BYOK</Badge>
          </>
        ) : null}
      </td>
      <td className="num nowrap" title={row.estimated ? `${ESTIMATED_TITLE} (${split})` : split}>
        {row.estimated ? <span className="estimated">≈ </span> : null}
        {formatInt(tokens)}
      </td>
      <td className="num nowrap">
        {row.response_cache_hit ? (
          <>
            <span title={`Answered from the response cache: ${formatUsd(row.response_cache_saved_usd ?? 0)} saved`}>
              <Badge tone="info">cached</Badge>
            </span>{' '}
          </>
        ) : null}
        {formatUsd(row.cost_usd)}
      </td>
      <td className="num">{formatMs(row.latency_ms)}</td>
      <td>
        <Badge tone={statusTone(row.status)}>{row.status}</Badge>
        {row.error_code ? <span className="error-code">{row.error_code}</span> : null}
      </td>
    </tr>
  );
}
