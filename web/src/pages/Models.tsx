/** The model catalog: each model's kind (chat or embedding), prices per million tokens, limits, capabilities or vector size. */
import { useId, useMemo, useState } from 'react';
import { Icon } from '../components/Icon';
import { Badge, Card, EmptyState, ErrorAlert, PageHeader, Spinner } from '../components/ui';
import { api } from '../lib/api';
import { formatInt, formatPrice } from '../lib/format';
import { isChatModel } from '../lib/models';
import { providerName } from '../lib/providers';
import { Link } from '../lib/router';
import type { CatalogModel, ChatModel, EmbeddingModel } from '../lib/types';
import { useApi } from '../lib/useApi';

type SortKey = 'provider' | 'input' | 'output' | 'context';
type KindFilter = '' | 'chat' | 'embedding';

function vendorOf(model: CatalogModel): string {
  return model.owned_by;
}

/** Tokens the model reads: a chat model's context window, an embedding model's limit per input. */
function contextOf(model: CatalogModel): number {
  return isChatModel(model) ? model.context_length : model.max_input_tokens;
}

/** "1,536 dims (1–1,536)" or "1,024 dims (fixed)". */
function dimensionsOf(model: EmbeddingModel): string {
  const range = model.dimension_range;
  const accepted = range ? `${formatInt(range.min)}–${formatInt(range.max)}` : 'fixed';
  return `${formatInt(model.dimensions)} dims (${accepted})`;
}

function capabilitiesOf(model: ChatModel): string[] {
  return Object.entries(model.capabilities)
    .filter(([, enabled]) => enabled === true)
    .map(([name]) => name.replace(/_/g, ' '));
}

export function ModelsPage() {
  const models = useApi((signal) => api.models(signal), []);
  const [search, setSearch] = useState('');
  const [vendor, setVendor] = useState('');
  const [kind, setKind] = useState<KindFilter>('');
  const [sort, setSort] = useState<SortKey>('provider');
  const searchId = useId();
  const vendorId = useId();
  const kindId = useId();
  const sortId = useId();

  const vendors = useMemo(() => [...new Set((models.data ?? []).map(vendorOf).filter(Boolean))].sort(), [models.data]);

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const list = (models.data ?? []).filter(
      (model) =>
        (!vendor || vendorOf(model) === vendor) &&
        (!kind || (kind === 'chat') === isChatModel(model)) &&
        (!needle || model.id.toLowerCase().includes(needle) || vendorOf(model).toLowerCase().includes(needle)),
    );
    const price = (value: number | null | undefined) => value ?? Number.POSITIVE_INFINITY;
    return list.sort((a, b) => {
      switch (sort) {
        case 'input':
          return price(a.pricing?.input_per_million) - price(b.pricing?.input_per_million) || a.id.localeCompare(b.id);
        case 'output':
          return price(a.pricing?.output_per_million) - price(b.pricing?.output_per_million) || a.id.localeCompare(b.id);
        case 'context':
          return contextOf(b) - contextOf(a) || a.id.localeCompare(b.id);
        default:
          return vendorOf(a).localeCompare(vendorOf(b)) || a.id.localeCompare(b.id);
      }
    });
  }, [models.data, search, vendor, kind, sort]);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Models"
        description={
          <>
            Use any chat model below as <code>model</code>, or <code>auto</code> to let the router choose by cost, latency or reliability. Embedding
            models answer <code>POST /v1/embeddings</code> and are always named. Prices are USD per million tokens.
          </>
        }
      />
      <Card>
        <div className="filters">
          <div className="field field-grow">
            <label htmlFor={searchId}>Search</label>
            <input
              id={searchId}
              type="search"
              placeholder="gpt, claude, gemini, embedding…"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={vendorId}>Vendor</label>
            <select id={vendorId} value={vendor} onChange={(event) => setVendor(event.target.value)}>
              <option value="">All vendors</option>
              {vendors.map((item) => (
                <option key={item} value={item}>
                  {providerName(item)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={kindId}>Kind</label>
            <select id={kindId} value={kind} onChange={(event) => setKind(event.target.value as KindFilter)}>
              <option value="">All kinds</option>
              <option value="chat">Chat</option>
              <option value="embedding">Embedding</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={sortId}>Sort by</label>
            <select id={sortId} value={sort} onChange={(event) => setSort(event.target.value as SortKey)}>
              <option value="provider">Vendor</option>
              <option value="input">Input price</option>
              <option value="output">Output price</option>
              <option value="context">Context length</option>
            </select>
          </div>
        </div>

        <ErrorAlert error={models.error} onRetry={models.reload} />
        {models.loading && !models.data ? (
          <Spinner />
        ) : rows.length === 0 ? (
          <EmptyState title="No models match">Clear the search to see the whole catalog.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-wide">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num" title="Chat: the context window. Embedding: tokens per input.">
                    Context
                  </th>
                  <th scope="col" className="num">
                    Max output
                  </th>
                  <th scope="col" className="num">
                    Input / 1M
                  </th>
                  <th scope="col" className="num">
                    Cached input / 1M
                  </th>
                  <th scope="col" className="num">
                    Output / 1M
                  </th>
                  <th scope="col">Capabilities</th>
                  <th scope="col">
                    <span className="visually-hidden">Try</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((model) => (
                  <tr key={model.id}>
                    <th scope="row">
                      <code className="model-id">{model.id}</code>
                    </th>
                    <td className="nowrap">
                      <span className={`provider-dot provider-${vendorOf(model)}`} aria-hidden="true" />
                      {providerName(vendorOf(model))}
                    </td>
                    <td>{isChatModel(model) ? 'Chat' : <Badge tone="info">Embedding</Badge>}</td>
                    <td className="num">{formatInt(contextOf(model))}</td>
                    <td className="num">{isChatModel(model) ? formatInt(model.max_output_tokens) : '—'}</td>
                    <td className="num">{formatPrice(model.pricing?.input_per_million)}</td>
                    <td className="num">{formatPrice(model.pricing?.cached_input_per_million)}</td>
                    <td className="num">{formatPrice(model.pricing?.output_per_million)}</td>
                    <td>
                      {isChatModel(model) ? (
                        <div className="badges">
                          {capabilitiesOf(model).length === 0 ? <span className="muted">text only</span> : null}
                          {capabilitiesOf(model).map((capability) => (
                            <Badge key={capability} tone="accent">
                              {capability}
                            </Badge>
                          ))}
                        </div>
                      ) : (
                        <span className="nowrap">{dimensionsOf(model)}</span>
                      )}
                    </td>
                    <td className="cell-actions">
                      {isChatModel(model) ? (
                        <Link
                          to={`/playground?model=${encodeURIComponent(model.id)}`}
                          className="text-link nowrap"
                          aria-label={`Try ${model.id} in the Playground`}
                        >
                          Try <Icon name="arrow-right" />
                        </Link>
                      ) : (
                        <code className="muted nowrap">/v1/embeddings</code>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {models.data ? (
          <p className="table-foot muted">
            {rows.length} of {models.data.length} models
          </p>
        ) : null}
      </Card>
    </div>
  );
}
