/** The model catalog: prices per million tokens, context window, capabilities. */
import { useId, useMemo, useState } from 'react';
import { Icon } from '../components/Icon';
import { Badge, Card, EmptyState, ErrorAlert, PageHeader, Spinner } from '../components/ui';
import { api } from '../lib/api';
import { formatInt, formatPrice } from '../lib/format';
import { providerName } from '../lib/providers';
import { Link } from '../lib/router';
import type { CatalogModel } from '../lib/types';
import { useApi } from '../lib/useApi';

type SortKey = 'provider' | 'input' | 'output' | 'context';

function vendorOf(model: CatalogModel): string {
  return model.provider ?? model.owned_by ?? '';
}

function capabilitiesOf(model: CatalogModel): string[] {
  return Object.entries(model.capabilities ?? {})
    .filter(([, enabled]) => enabled === true)
    .map(([name]) => name.replace(/_/g, ' '));
}

export function ModelsPage() {
  const models = useApi((signal) => api.models(signal), []);
  const [search, setSearch] = useState('');
  const [vendor, setVendor] = useState('');
  const [sort, setSort] = useState<SortKey>('provider');
  const searchId = useId();
  const vendorId = useId();
  const sortId = useId();

  const vendors = useMemo(
    () => [...new Set((models.data ?? []).map(vendorOf).filter(Boolean))].sort(),
    [models.data],
  );

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const list = (models.data ?? []).filter(
      (model) =>
        (!vendor || vendorOf(model) === vendor) &&
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
          return (b.context_length ?? 0) - (a.context_length ?? 0) || a.id.localeCompare(b.id);
        default:
          return vendorOf(a).localeCompare(vendorOf(b)) || a.id.localeCompare(b.id);
      }
    });
  }, [models.data, search, vendor, sort]);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Models"
        description={
          <>
            Use any id below as <code>model</code>, or <code>auto</code> to let the router choose by cost, latency or
            reliability. Prices are USD per million tokens.
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
              placeholder="gpt, claude, gemini…"
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
                  <th scope="col" className="num">
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
                    <td className="num">{formatInt(model.context_length)}</td>
                    <td className="num">{formatInt(model.max_output_tokens)}</td>
                    <td className="num">{formatPrice(model.pricing?.input_per_million)}</td>
                    <td className="num">{formatPrice(model.pricing?.cached_input_per_million)}</td>
                    <td className="num">{formatPrice(model.pricing?.output_per_million)}</td>
                    <td>
                      <div className="badges">
                        {capabilitiesOf(model).length === 0 ? <span className="muted">text only</span> : null}
                        {capabilitiesOf(model).map((capability) => (
                          <Badge key={capability} tone="accent">
                            {capability}
                          </Badge>
                        ))}
                      </div>
                    </td>
                    <td className="cell-actions">
                      <Link to={`/playground?model=${encodeURIComponent(model.id)}`} className="text-link nowrap" aria-label={`Try ${model.id} in the Playground`}>
                        Try <Icon name="arrow-right" />
                      </Link>
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
