/** Bring your own key: add (optionally tested), list (provider, last 4, added), delete. */
import { useId, useState } from 'react';
import { DialogForm, ItemDialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { useToast } from '../components/Toasts';
import { ActionsTable, Card, EmptyState, ErrorAlert, Notice, PageHeader, Spinner } from '../components/ui';
import { api } from '../lib/api';
import { formatDate, formatDateTime } from '../lib/format';
import { PROVIDERS, providerName } from '../lib/providers';
import type { ProviderKey } from '../lib/types';
import { useApi } from '../lib/useApi';
import { useSubmit } from '../lib/useSubmit';

export function ProviderKeysPage() {
  const keys = useApi((signal) => api.providerKeys(signal), []);
  const [deleting, setDeleting] = useState<ProviderKey | null>(null);
  const toast = useToast();
  const list = [...(keys.data?.data ?? [])].sort(
    (a, b) => a.provider.localeCompare(b.provider) || (b.created_at ?? '').localeCompare(a.created_at ?? ''),
  );

  return (
    <div className="page">
      <PageHeader
        title="Provider Keys"
        description="Connect your own OpenAI, Anthropic, Google and other provider accounts. Requests to a provider you connected use your key, are billed by that provider, and do not count against your spend caps or included tokens."
      />

      <AddProviderKeyForm
        onAdded={(added) => {
          keys.setData((previous) => ({ data: [added, ...(previous?.data ?? [])] }));
          toast(`${providerName(added.provider)} key ending in ${added.last4} added`);
          keys.reload();
        }}
      />

      <Card title="Connected keys" description="Keys are encrypted at rest (AES-256-GCM) and never shown again — only their last 4 characters.">
        <ErrorAlert error={keys.error} onRetry={keys.reload} />
        {keys.loading && !keys.data ? (
          <Spinner />
        ) : list.length === 0 ? (
          <EmptyState title="No provider keys">
            Without your own keys, requests use the gateway's provider accounts and count against your plan.
          </EmptyState>
        ) : (
          <ActionsTable columns={['Provider', 'Key', 'Added']}>
            {list.map((key) => (
              <tr key={key.id}>
                <th scope="row" className="cell-strong">
                  <span className={`provider-dot provider-${key.provider}`} aria-hidden="true" />
                  {providerName(key.provider)}
                </th>
                <td>
                  <code className="key-mask">••••{key.last4}</code>
                </td>
                <td>
                  <span title={formatDateTime(key.created_at)}>{formatDate(key.created_at)}</span>
                </td>
                <td className="cell-actions">
                  <div className="row-actions">
                    <button type="button" className="btn btn-danger-ghost btn-small" onClick={() => setDeleting(key)}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </ActionsTable>
        )}
      </Card>

      <ItemDialog item={deleting} title="Delete provider key?" onClose={() => setDeleting(null)}>
        {(providerKey) => (
          <DeleteForm
            providerKey={providerKey}
            onCancel={() => setDeleting(null)}
            onDeleted={() => {
              keys.setData((previous) => ({ data: (previous?.data ?? []).filter((key) => key.id !== providerKey.id) }));
              toast(`${providerName(providerKey.provider)} key deleted`);
              setDeleting(null);
              keys.reload();
            }}
          />
        )}
      </ItemDialog>
    </div>
  );
}

function AddProviderKeyForm({ onAdded }: { onAdded: (key: ProviderKey) => void }) {
  const [provider, setProvider] = useState(PROVIDERS[0]?.id ?? 'openai');
  const [apiKey, setApiKey] = useState('');
  const [test, setTest] = useState(false);
  const { busy, error, onSubmit } = useSubmit();
  const providerId = useId();
  const keyId = useId();
  const hintId = useId();
  const testId = useId();
  const info = PROVIDERS.find((item) => item.id === provider);

  const add = async () => {
    const answer = await api.addProviderKey(provider, apiKey.trim(), test);
    setApiKey('');
    onAdded(answer.provider_key);
  };

  return (
    <Card title="Bring your own key" description="Your provider account, billed by the provider, used for your requests to it.">
      <form className="form-row" onSubmit={onSubmit(add)} autoComplete="off">
        <div className="field">
          <label htmlFor={providerId}>Provider</label>
          <select id={providerId} name="provider" value={provider} onChange={(event) => setProvider(event.target.value)}>
            {PROVIDERS.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor={keyId}>API key</label>
          <input
            id={keyId}
            name="api_key"
            type="password"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder={info?.prefix ? `${info.prefix}…` : 'Paste the key'}
            aria-describedby={hintId}
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
          />
        </div>
        <div className="field field-check">
          <input id={testId} type="checkbox" checked={test} onChange={(event) => setTest(event.target.checked)} />
          <label htmlFor={testId}>Test key</label>
        </div>
        <div className="field field-submit">
          <button type="submit" className="btn btn-primary" disabled={busy || !apiKey.trim()}>
            <Icon name="plus" /> Add provider key
          </button>
        </div>
      </form>
      <p className="field-hint" id={hintId}>
        {info?.prefix ? (
          <>
            {info.name} keys start with <code>{info.prefix}</code>.{' '}
          </>
        ) : null}
        {info ? (
          <a href={info.consoleUrl} target="_blank" rel="noreferrer noopener" className="text-link">
            Get {/^[AEIOU]/.test(info.name) ? 'an' : 'a'} {info.name} key <Icon name="external" />
          </a>
        ) : null}{' '}
        With “Test key” checked, we make one small request to {info?.name ?? 'the provider'} before saving.
      </p>
      {busy && test ? <Notice>Testing the key with {info?.name ?? provider}…</Notice> : null}
      <ErrorAlert error={error} />
    </Card>
  );
}

function DeleteForm({ providerKey, onCancel, onDeleted }: { providerKey: ProviderKey; onCancel: () => void; onDeleted: () => void }) {
  const erase = async () => {
    await api.deleteProviderKey(providerKey.id);
    onDeleted();
  };
  return (
    <DialogForm submitLabel="Delete" danger onCancel={onCancel} onSubmit={erase}>
      <p>
        Your {providerName(providerKey.provider)} key ending in <code>{providerKey.last4}</code> will be erased. Requests to{' '}
        {providerName(providerKey.provider)} will use the gateway's own account again.
      </p>
    </DialogForm>
  );
}
