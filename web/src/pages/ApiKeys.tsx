/**
 * API keys: create (secret shown once), rename, default routing, provider preferences, spend cap, limits and access
 * (budget per period, allowed models, rpm/tpm, expiry), rotate, revoke.
 */
import { useId, useState } from 'react';
import { DialogForm, ItemDialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { fromGovernanceDraft, governanceSummary, KeyGovernanceFields, toGovernanceDraft } from '../components/KeyGovernance';
import { fromDraft, ProviderDefaultsFields, providerSummary, toDraft } from '../components/ProviderDefaults';
import { parseRouting, parseSpendCap, RoutingOptions, SpendCapInput } from '../components/RoutingSelect';
import { useToast } from '../components/Toasts';
import { ActionsTable, Badge, Card, CopyButton, EmptyState, ErrorAlert, PageHeader, Spinner } from '../components/ui';
import { api } from '../lib/api';
import { formatDate, formatDateTime, formatRelative, formatUsd } from '../lib/format';
import { Link } from '../lib/router';
import { PLAYGROUND_KEY_STORAGE } from '../lib/session';
import type { ApiKey, KeyWithSecret } from '../lib/types';
import { useApi } from '../lib/useApi';
import { useSubmit } from '../lib/useSubmit';

type Action = { kind: 'rename' | 'settings' | 'rotate' | 'revoke'; key: ApiKey } | null;

function isRevoked(key: ApiKey): boolean {
  return key.status === 'revoked';
}

function sortKeys(keys: ApiKey[]): ApiKey[] {
  return [...keys].sort((a, b) => {
    const revoked = Number(isRevoked(a)) - Number(isRevoked(b));
    return revoked !== 0 ? revoked : (b.created_at ?? '').localeCompare(a.created_at ?? '');
  });
}

export function ApiKeysPage() {
  const keys = useApi((signal) => api.keys(signal), []);
  const [revealed, setRevealed] = useState<{ title: string; secret: string; name: string } | null>(null);
  const [action, setAction] = useState<Action>(null);
  const toast = useToast();
  const close = () => setAction(null);
  /** The key the dialog of this kind is open for, if it is. */
  const target = (kind: NonNullable<Action>['kind']) => (action?.kind === kind ? action.key : null);

  const upsert = (key: ApiKey) =>
    keys.setData((previous) => {
      const list = previous?.data ?? [];
      const index = list.findIndex((item) => item.id === key.id);
      const next = index >= 0 ? list.map((item) => (item.id === key.id ? key : item)) : [key, ...list];
      return { data: next };
    });

  /** After a dialog changed `key`: shows the change, closes the dialog and says what happened. */
  const changed = (key: ApiKey, message: string) => {
    upsert(key);
    setAction(null);
    toast(message);
  };

  const onCreated = (created: KeyWithSecret) => {
    upsert(created.key);
    setRevealed({ title: 'Your new API key', secret: created.secret, name: created.key.name });
    keys.reload();
  };

  const list = sortKeys(keys.data?.data ?? []);
  const active = list.filter((key) => !isRevoked(key)).length;

  return (
    <div className="page">
      <PageHeader title="API Keys" description="Keys authenticate your apps to the gateway. Use them as the api_key of any OpenAI SDK." />

      {revealed ? <SecretReveal {...revealed} onDone={() => setRevealed(null)} /> : null}

      <CreateKeyForm onCreated={onCreated} />

      <Card
        title="Your keys"
        description={keys.data ? `${active} active · ${list.length - active} revoked` : undefined}
        actions={
          <button type="button" className="btn btn-ghost btn-small" onClick={keys.reload} disabled={keys.loading}>
            <Icon name="refresh" /> Refresh
          </button>
        }
      >
        <ErrorAlert error={keys.error} onRetry={keys.reload} />
        {keys.loading && !keys.data ? (
          <Spinner />
        ) : list.length === 0 ? (
          <EmptyState title="No API keys yet">Create your first key above — it takes a second.</EmptyState>
        ) : (
          <ActionsTable columns={['Name', 'Status', 'Routing', 'Spend cap', 'Limits', 'Created', 'Last used']}>
            {list.map((key) => (
              <KeyRow key={key.id} apiKey={key} onAction={setAction} />
            ))}
          </ActionsTable>
        )}
      </Card>

      <ItemDialog item={target('rename')} title="Rename key" onClose={close}>
        {(apiKey) => <RenameForm apiKey={apiKey} onClose={close} onSaved={(key) => changed(key, `Key renamed to “${key.name}”`)} />}
      </ItemDialog>
      <ItemDialog item={target('settings')} title={(apiKey) => `Settings for “${apiKey.name}”`} onClose={close}>
        {(apiKey) => <SettingsForm apiKey={apiKey} onClose={close} onSaved={(key) => changed(key, `Settings saved for “${key.name}”`)} />}
      </ItemDialog>
      <ItemDialog item={target('rotate')} title={(apiKey) => `Rotate “${apiKey.name}”`} onClose={close}>
        {(apiKey) => (
          <RotateForm
            apiKey={apiKey}
            onClose={close}
            onRotated={(result, graceSeconds) => {
              setAction(null);
              upsert(result.key);
              setRevealed({
                title:
                  graceSeconds > 0
                    ? 'Key rotated — the old secret keeps working during the grace period'
                    : 'Key rotated — the old secret no longer works',
                secret: result.secret,
                name: result.key.name,
              });
              keys.reload();
              window.scrollTo({ top: 0, behavior: 'smooth' });
            }}
          />
        )}
      </ItemDialog>
      <ItemDialog item={target('revoke')} title="Revoke this key?" onClose={close}>
        {(apiKey) => (
          <RevokeForm
            apiKey={apiKey}
            onClose={close}
            onRevoked={(key) => {
              changed(key, `Key “${key.name}” revoked`);
              keys.reload();
            }}
          />
        )}
      </ItemDialog>
    </div>
  );
}

function statusBadge(key: ApiKey) {
  if (isRevoked(key)) return <Badge tone="danger">Revoked</Badge>;
  if (key.grace_until && new Date(key.grace_until).getTime() > Date.now()) {
    return (
      <span className="status-cell" title={`Rotated — this secret stops working ${formatDateTime(key.grace_until)}`}>
        <Badge tone="warning">Expiring</Badge>
        <span className="cell-sub">{formatRelative(key.grace_until)}</span>
      </span>
    );
  }
  if (key.status === 'active') return <Badge tone="success">Active</Badge>;
  if (key.status === 'expired') return <Badge tone="danger">Expired</Badge>;
  return <Badge>{key.status}</Badge>;
}

function KeyRow({ apiKey: key, onAction }: { apiKey: ApiKey; onAction: (action: Action) => void }) {
  const revoked = isRevoked(key);
  return (
    <tr className={revoked ? 'row-muted' : undefined}>
      <th scope="row" className="cell-strong">
        {key.name}
        <code className="key-mask key-sub" title="Last 4 characters of the secret">
          op_…{key.last4}
        </code>
      </th>
      <td>{statusBadge(key)}</td>
      <td>
        <span className="nowrap">{key.default_routing ?? <span className="muted">cost (default)</span>}</span>
        {providerSummary(key.default_provider) ? <span className="cell-sub">{providerSummary(key.default_provider)}</span> : null}
      </td>
      <td>{key.spend_cap_usd !== null && key.spend_cap_usd !== undefined ? formatUsd(key.spend_cap_usd) : <span className="muted">No cap</span>}</td>
      <td>{governanceSummary(key) ?? <span className="muted">None</span>}</td>
      <td className="nowrap">
        <span title={formatDateTime(key.created_at)}>{formatDate(key.created_at)}</span>
      </td>
      <td className="nowrap">
        <span title={key.last_used_at ? formatDateTime(key.last_used_at) : undefined}>{formatRelative(key.last_used_at)}</span>
      </td>
      <td className="cell-actions">
        {revoked ? null : (
          <div className="row-actions">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => onAction({ kind: 'rename', key })}>
              Rename
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => onAction({ kind: 'settings', key })}>
              Settings
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => onAction({ kind: 'rotate', key })}>
              Rotate
            </button>
            <button type="button" className="btn btn-danger-ghost btn-small" onClick={() => onAction({ kind: 'revoke', key })}>
              Revoke
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

function SecretReveal({ title, secret, name, onDone }: { title: string; secret: string; name: string; onDone: () => void }) {
  const [used, setUsed] = useState(false);
  const saveForPlayground = () => {
    try {
      sessionStorage.setItem(PLAYGROUND_KEY_STORAGE, secret);
      setUsed(true);
    } catch {
      setUsed(false);
    }
  };
  return (
    <section className="secret-panel" aria-labelledby="secret-title">
      <div className="secret-head">
        <Icon name="key" />
        <div>
          <h2 id="secret-title">{title}</h2>
          <p>
            Copy the secret of <strong>{name}</strong> now and store it somewhere safe. It is shown only once — we keep just a hash.
          </p>
        </div>
      </div>
      <div className="copy-field">
        <code className="mono-box secret" data-testid="new-secret">
          {secret}
        </code>
        <CopyButton text={secret} className="btn btn-primary" />
      </div>
      <div className="secret-actions">
        {used ? (
          <Link to="/playground" className="btn btn-secondary">
            <Icon name="chat" /> Open Playground
          </Link>
        ) : (
          <button type="button" className="btn btn-secondary" onClick={saveForPlayground}>
            <Icon name="chat" /> Use in Playground
          </button>
        )}
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </section>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (created: KeyWithSecret) => void }) {
  const [name, setName] = useState('');
  const [routing, setRouting] = useState('');
  const [cap, setCap] = useState('');
  const [governance, setGovernance] = useState(() => toGovernanceDraft());
  const { busy, error, onSubmit } = useSubmit();
  const nameId = useId();
  const routingId = useId();
  const capId = useId();

  const create = () => {
    const spendCap = parseSpendCap(cap);
    if (spendCap instanceof Error) return spendCap;
    const limits = fromGovernanceDraft(governance);
    if (limits instanceof Error) return limits;
    const body: Parameters<typeof api.createKey>[0] = { ...limits, name: name.trim() };
    const mode = parseRouting(routing);
    if (mode) body.default_routing = mode;
    if (spendCap !== null) body.spend_cap_usd = spendCap;
    return api.createKey(body).then((created) => {
      setName('');
      setRouting('');
      setCap('');
      setGovernance(toGovernanceDraft());
      onCreated(created);
    });
  };

  return (
    <Card title="Create a key" description="Give each app or environment its own key, so you can see its usage and revoke it alone.">
      <form className="form-row" onSubmit={onSubmit(create)}>
        <div className="field field-grow">
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            name="name"
            required
            maxLength={100}
            placeholder="e.g. production-backend"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={routingId}>Default routing</label>
          <select id={routingId} name="default_routing" value={routing} onChange={(event) => setRouting(event.target.value)}>
            <RoutingOptions noneLabel="Account default (cost)" />
          </select>
        </div>
        <div className="field field-narrow">
          <label htmlFor={capId}>Spend cap (USD)</label>
          <SpendCapInput id={capId} name="spend_cap_usd" value={cap} onChange={setCap} />
        </div>
        <div className="field field-submit">
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
            <Icon name="plus" /> Create key
          </button>
        </div>
        <details className="form-more">
          <summary>Limits and access (budget, allowed models, rate limits, expiry)</summary>
          <KeyGovernanceFields value={governance} onChange={setGovernance} />
        </details>
      </form>
      <ErrorAlert error={error} />
    </Card>
  );
}

function RenameForm({ apiKey, onClose, onSaved }: { apiKey: ApiKey; onClose: () => void; onSaved: (key: ApiKey) => void }) {
  const [name, setName] = useState(apiKey.name);
  const id = useId();
  const save = async () => {
    const answer = await api.updateKey(apiKey.id, { name: name.trim() });
    onSaved(answer.key);
  };
  return (
    <DialogForm submitLabel="Save" disabled={!name.trim()} onCancel={onClose} onSubmit={save}>
      <div className="field">
        <label htmlFor={id}>Name</label>
        <input id={id} required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
      </div>
    </DialogForm>
  );
}

function SettingsForm({ apiKey, onClose, onSaved }: { apiKey: ApiKey; onClose: () => void; onSaved: (key: ApiKey) => void }) {
  const [routing, setRouting] = useState<string>(apiKey.default_routing ?? '');
  const [cap, setCap] = useState(apiKey.spend_cap_usd !== null && apiKey.spend_cap_usd !== undefined ? String(apiKey.spend_cap_usd) : '');
  const [provider, setProvider] = useState(() => toDraft(apiKey.default_provider));
  const [governance, setGovernance] = useState(() => toGovernanceDraft(apiKey));
  const routingId = useId();
  const capId = useId();
  const capHintId = useId();
  const save = () => {
    const spendCap = parseSpendCap(cap);
    if (spendCap instanceof Error) return spendCap;
    const defaultProvider = fromDraft(provider, apiKey.default_provider);
    if (defaultProvider instanceof Error) return defaultProvider;
    const limits = fromGovernanceDraft(governance, apiKey);
    if (limits instanceof Error) return limits;
    const patch = { ...limits, default_routing: parseRouting(routing), default_provider: defaultProvider, spend_cap_usd: spendCap };
    return api.updateKey(apiKey.id, patch).then((answer) => onSaved(answer.key));
  };
  return (
    <DialogForm submitLabel="Save" onCancel={onClose} onSubmit={save}>
      <div className="field">
        <label htmlFor={routingId}>Default routing</label>
        <select id={routingId} value={routing} onChange={(event) => setRouting(event.target.value)}>
          <RoutingOptions noneLabel="Account default (cost)" />
        </select>
        <p className="field-hint">Used when a request asks for model "auto" without a routing field.</p>
      </div>
      <div className="field">
        <label htmlFor={capId}>Spend cap (USD)</label>
        <SpendCapInput id={capId} describedBy={capHintId} value={cap} onChange={setCap} />
        <p className="field-hint" id={capHintId}>
          Monthly limit for this key. Requests that would exceed it get 402 quota_exceeded. Leave empty for no cap.
        </p>
      </div>
      <KeyGovernanceFields value={governance} onChange={setGovernance} />
      <ProviderDefaultsFields value={provider} onChange={setProvider} />
    </DialogForm>
  );
}

const GRACE_OPTIONS: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None — revoke the old secret now' },
  { seconds: 300, label: '5 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 21_600, label: '6 hours' },
  { seconds: 86_400, label: '24 hours' },
];

function RotateForm({
  apiKey,
  onClose,
  onRotated,
}: {
  apiKey: ApiKey;
  onClose: () => void;
  onRotated: (result: KeyWithSecret, graceSeconds: number) => void;
}) {
  const [grace, setGrace] = useState('0');
  const id = useId();
  const rotate = async () => {
    const seconds = Number(grace);
    onRotated(await api.rotateKey(apiKey.id, seconds), seconds);
  };
  return (
    <DialogForm submitLabel="Rotate" onCancel={onClose} onSubmit={rotate}>
      <p>
        A new secret replaces <code>op_…{apiKey.last4}</code>. Name, default routing, provider preferences, spend cap and limits carry over (the
        budget starts afresh on the new key).
      </p>
      <div className="field">
        <label htmlFor={id}>Grace period</label>
        <select id={id} value={grace} onChange={(event) => setGrace(event.target.value)}>
          {GRACE_OPTIONS.map((option) => (
            <option key={option.seconds} value={option.seconds}>
              {option.label}
            </option>
          ))}
        </select>
        <p className="field-hint">During the grace period both the old and the new secret work, so you can redeploy without downtime.</p>
      </div>
    </DialogForm>
  );
}

function RevokeForm({ apiKey, onClose, onRevoked }: { apiKey: ApiKey; onClose: () => void; onRevoked: (key: ApiKey) => void }) {
  const revoke = async () => {
    const answer = await api.revokeKey(apiKey.id);
    onRevoked(answer.key);
  };
  return (
    <DialogForm submitLabel="Revoke" danger onCancel={onClose} onSubmit={revoke}>
      <p>
        <strong>{apiKey.name}</strong> (<code>op_…{apiKey.last4}</code>) stops working immediately. Apps using it will get 401 errors. This cannot be
        undone.
      </p>
    </DialogForm>
  );
}
