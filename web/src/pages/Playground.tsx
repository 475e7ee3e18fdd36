/**
 * Chat with any catalog chat model (embedding models are left out) or `auto`, streamed over SSE from /v1/chat/completions
 * with the user's own API key (kept in sessionStorage only). Each answer shows the
 * routed model (x-op-model), tokens and cost from the final usage chunk.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Icon } from '../components/Icon';
import { ROUTING_LABELS } from '../components/RoutingSelect';
import { Badge, Card, ErrorAlert, PageHeader } from '../components/ui';
import { api, errorFromResponse } from '../lib/api';
import { errorMessage, formatInt, formatMs, formatUsd } from '../lib/format';
import { isChatModel } from '../lib/models';
import { providerName } from '../lib/providers';
import { Link, useSearchParams } from '../lib/router';
import { PLAYGROUND_KEY_STORAGE } from '../lib/session';
import { readSseData } from '../lib/sse';
import type { CatalogModel, ChatChunk, RoutingMode } from '../lib/types';
import { useApi } from '../lib/useApi';

interface Meta {
  model: string | null;
  provider: string | null;
  routing: string | null;
  requestId: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  ttftMs: number | null;
  totalMs: number | null;
}

interface ChatMessage {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  streaming?: boolean;
  error?: string;
  meta?: Meta;
}

function readStoredKey(): string {
  try {
    return sessionStorage.getItem(PLAYGROUND_KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

function storeKey(value: string): void {
  try {
    if (value) sessionStorage.setItem(PLAYGROUND_KEY_STORAGE, value);
    else sessionStorage.removeItem(PLAYGROUND_KEY_STORAGE);
  } catch {
    // storage unavailable: the key lives in memory only
  }
}

function groupByVendor(models: CatalogModel[]): [string, CatalogModel[]][] {
  const groups = new Map<string, CatalogModel[]>();
  for (const model of models) {
    const vendor = model.owned_by;
    groups.set(vendor, [...(groups.get(vendor) ?? []), model]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

let nextMessageId = 1;

/** The turns worth sending again: a question whose answer failed outright is left out along with that answer. */
function conversationHistory(messages: ChatMessage[]): ChatMessage[] {
  const kept: ChatMessage[] = [];
  messages.forEach((message, index) => {
    const failed = (candidate: ChatMessage | undefined) =>
      candidate !== undefined && candidate.role === 'assistant' && !candidate.content && (Boolean(candidate.error) || Boolean(candidate.streaming));
    if (failed(message)) return;
    if (message.role === 'user' && failed(messages[index + 1])) return;
    kept.push(message);
  });
  return kept;
}

export function PlaygroundPage() {
  const params = useSearchParams();
  const models = useApi((signal) => api.models(signal), []);
  const [model, setModel] = useState(() => params.get('model') ?? 'auto');
  const [routing, setRouting] = useState<RoutingMode>('cost');
  const [apiKey, setApiKey] = useState(readStoredKey);
  const [system, setSystem] = useState('');
  const [draft, setDraft] = useState('');
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [formError, setFormError] = useState<unknown>(null);
  const [creatingKey, setCreatingKey] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  const ids = { model: useId(), routing: useId(), key: useId(), keyHint: useId(), system: useId(), message: useId() };

  const streaming = messages.some((message) => message.streaming);
  const chatModels = useMemo(() => (models.data ?? []).filter(isChatModel), [models.data]);
  const groups = useMemo(() => groupByVendor(chatModels), [chatModels]);
  const totals = useMemo(
    () =>
      messages.reduce(
        (sum, message) => ({
          requests: sum.requests + (message.meta ? 1 : 0),
          cost: sum.cost + (message.meta?.costUsd ?? 0),
          tokens: sum.tokens + (message.meta?.promptTokens ?? 0) + (message.meta?.completionTokens ?? 0),
        }),
        { requests: 0, cost: 0, tokens: 0 },
      ),
    [messages],
  );

  useEffect(() => () => controller.current?.abort(), []);

  // Keeps the newest message in view: the log scrolls to its end after every change to the conversation (a new turn,
  // each streamed token, Clear).
  // biome-ignore lint/correctness/useExhaustiveDependencies(messages): messages is the effect's trigger, not a value it reads
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [messages]);

  const updateAssistant = (id: number, update: (message: ChatMessage) => ChatMessage) =>
    setMessages((list) => list.map((message) => (message.id === id ? update(message) : message)));

  const createPlaygroundKey = async () => {
    setCreatingKey(true);
    setFormError(null);
    try {
      const created = await api.createKey({ name: 'Playground' });
      setApiKey(created.secret);
      storeKey(created.secret);
    } catch (failure) {
      setFormError(failure);
    } finally {
      setCreatingKey(false);
    }
  };

  const send = async (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || streaming) return;
    if (!apiKey.trim()) {
      setFormError(new Error('Paste an API key first — or create one on the API Keys page.'));
      return;
    }
    setFormError(null);

    const user: ChatMessage = { id: nextMessageId++, role: 'user', content: text };
    const assistant: ChatMessage = { id: nextMessageId++, role: 'assistant', content: '', streaming: true };
    const history = [...conversationHistory(messages), user];
    setMessages((list) => [...list, user, assistant]);
    setDraft('');

    const body: Record<string, unknown> = {
      model,
      messages: [
        ...(system.trim() ? [{ role: 'system', content: system.trim() }] : []),
        ...history.map((message) => ({ role: message.role, content: message.content })),
      ],
      stream: true,
      stream_options: { include_usage: true },
    };
    if (model === 'auto') body.routing = routing;

    const abort = new AbortController();
    controller.current = abort;
    const started = performance.now();
    let firstToken: number | null = null;
    const meta: Meta = {
      model: null,
      provider: null,
      routing: null,
      requestId: null,
      promptTokens: null,
      completionTokens: null,
      costUsd: null,
      ttftMs: null,
      totalMs: null,
    };

    try {
      const response = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${apiKey.trim()}`,
        },
        body: JSON.stringify(body),
        credentials: 'same-origin',
        signal: abort.signal,
      });
      meta.requestId = response.headers.get('x-request-id');
      if (!response.ok || !response.body) {
        const error = await errorFromResponse(response);
        updateAssistant(assistant.id, (message) => ({ ...message, streaming: false, error: error.message, meta: { ...meta } }));
        return;
      }
      meta.model = response.headers.get('x-op-model');
      meta.provider = response.headers.get('x-op-provider');
      meta.routing = response.headers.get('x-op-routing');

      let content = '';
      const outcome: { error: string | null } = { error: null };
      await readSseData(
        response.body,
        (data) => {
          if (data === '[DONE]') return;
          let chunk: ChatChunk;
          try {
            chunk = JSON.parse(data) as ChatChunk;
          } catch {
            return;
          }
          if (chunk.error) {
            outcome.error = chunk.error.message ?? 'The stream ended with an error.';
            return;
          }
          if (!meta.model && chunk.model) meta.model = chunk.model;
          const delta = chunk.choices?.[0]?.delta?.content;
          if (delta) {
            if (firstToken === null) {
              firstToken = performance.now();
              meta.ttftMs = firstToken - started;
            }
            content += delta;
          }
          if (chunk.usage) {
            meta.promptTokens = chunk.usage.prompt_tokens ?? null;
            meta.completionTokens = chunk.usage.completion_tokens ?? null;
            meta.costUsd = chunk.usage.cost_usd ?? null;
          }
          const snapshot = content;
          updateAssistant(assistant.id, (message) => ({ ...message, content: snapshot }));
        },
        abort.signal,
      );
      meta.totalMs = performance.now() - started;
      const finalError = outcome.error;
      updateAssistant(assistant.id, (message) => ({
        ...message,
        content,
        streaming: false,
        meta: { ...meta },
        ...(finalError ? { error: finalError } : {}),
      }));
    } catch (failure) {
      const aborted = abort.signal.aborted;
      meta.totalMs = performance.now() - started;
      updateAssistant(assistant.id, (message) => ({
        ...message,
        streaming: false,
        meta: { ...meta },
        error: aborted ? 'Stopped.' : errorMessage(failure),
      }));
    } finally {
      if (controller.current === abort) controller.current = null;
      messageRef.current?.focus();
    }
  };

  const onMessageKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <div className="page page-wide">
      <PageHeader
        title="Playground"
        description="Chat with any chat model through the gateway, exactly as your app would — streaming, routing and cost included."
      />
      <div className="playground">
        <Card className="playground-settings" title="Settings">
          <div className="form">
            <div className="field">
              <label htmlFor={ids.model}>Model</label>
              <select id={ids.model} value={model} onChange={(event) => setModel(event.target.value)}>
                <option value="auto">auto — let the router choose</option>
                {groups.map(([vendor, list]) => (
                  <optgroup key={vendor} label={providerName(vendor)}>
                    {list.map((item) => (
                      <option key={item.id} value={item.id}>
                        {item.id}
                      </option>
                    ))}
                  </optgroup>
                ))}
                {model !== 'auto' && models.data && !chatModels.some((item) => item.id === model) ? <option value={model}>{model}</option> : null}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.routing}>Routing mode</label>
              <select
                id={ids.routing}
                value={routing}
                disabled={model !== 'auto'}
                onChange={(event) => setRouting(event.target.value as RoutingMode)}
              >
                <option value="cost">{ROUTING_LABELS.cost}</option>
                <option value="latency">{ROUTING_LABELS.latency}</option>
                <option value="reliability">{ROUTING_LABELS.reliability}</option>
              </select>
              <p className="field-hint">{model === 'auto' ? 'Sent as the request’s routing field.' : 'Only used with model auto.'}</p>
            </div>
            <div className="field">
              <label htmlFor={ids.key}>API key</label>
              <input
                id={ids.key}
                type="password"
                autoComplete="off"
                spellCheck={false}
                placeholder="op_…"
                aria-describedby={ids.keyHint}
                value={apiKey}
                onChange={(event) => {
                  setApiKey(event.target.value);
                  storeKey(event.target.value.trim());
                }}
              />
              <p className="field-hint" id={ids.keyHint}>
                Kept in this browser tab only (sessionStorage). No key at hand? <Link to="/keys">Create one on API Keys</Link>
                {' or '}
                <button type="button" className="link-button" onClick={createPlaygroundKey} disabled={creatingKey}>
                  create a “Playground” key now
                </button>
                .
              </p>
            </div>
            <div className="field">
              <label htmlFor={ids.system}>System prompt</label>
              <textarea
                id={ids.system}
                rows={3}
                placeholder="You are a helpful assistant."
                value={system}
                onChange={(event) => setSystem(event.target.value)}
              />
            </div>
          </div>
          {totals.requests > 0 ? (
            <dl className="summary">
              <div>
                <dt>Requests</dt>
                <dd>{formatInt(totals.requests)}</dd>
              </div>
              <div>
                <dt>Tokens</dt>
                <dd>{formatInt(totals.tokens)}</dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd>{formatUsd(totals.cost)}</dd>
              </div>
            </dl>
          ) : null}
        </Card>

        <section className="card chat" aria-label="Conversation">
          <div className="chat-log" ref={logRef} aria-live="polite" aria-busy={streaming}>
            {messages.length === 0 ? (
              <div className="chat-empty">
                <Icon name="chat" />
                <p>Send a message to start. Try “auto” with different routing modes and watch which model answers.</p>
              </div>
            ) : (
              messages.map((message) => <Bubble key={message.id} message={message} />)
            )}
          </div>
          <form className="composer" onSubmit={send}>
            <div className="field composer-field">
              <label htmlFor={ids.message}>Message</label>
              <textarea
                id={ids.message}
                ref={messageRef}
                rows={2}
                placeholder="Ask anything… (Enter to send, Shift+Enter for a new line)"
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                onKeyDown={onMessageKey}
              />
            </div>
            <ErrorAlert error={formError} />
            <div className="composer-actions">
              <button type="button" className="btn btn-ghost" onClick={() => setMessages([])} disabled={streaming || messages.length === 0}>
                Clear
              </button>
              {streaming ? (
                <button type="button" className="btn btn-secondary" onClick={() => controller.current?.abort()}>
                  <Icon name="stop" /> Stop
                </button>
              ) : null}
              <button type="submit" className="btn btn-primary" disabled={streaming || !draft.trim()}>
                <Icon name="send" /> Send
              </button>
            </div>
          </form>
        </section>
      </div>
    </div>
  );
}

function Bubble({ message }: { message: ChatMessage }) {
  const meta = message.meta;
  return (
    <article className={`bubble bubble-${message.role}`} aria-label={message.role === 'user' ? 'You' : 'Assistant'}>
      <div className="bubble-role">{message.role === 'user' ? 'You' : (meta?.model ?? 'Assistant')}</div>
      {message.content ? (
        <div className="bubble-text">{message.content}</div>
      ) : message.streaming ? (
        <div className="typing" role="img" aria-label="Waiting for the first token">
          <span />
          <span />
          <span />
        </div>
      ) : null}
      {message.error ? <ErrorAlert error={new Error(message.error)} /> : null}
      {meta && message.role === 'assistant' && (meta.model || meta.costUsd !== null) ? (
        <dl className="bubble-meta">
          {meta.model ? (
            <div>
              <dt>Model</dt>
              <dd data-testid="routed-model">{meta.model}</dd>
            </div>
          ) : null}
          {meta.provider ? (
            <div>
              <dt>Provider</dt>
              <dd>{providerName(meta.provider)}</dd>
            </div>
          ) : null}
          {meta.routing ? (
            <div>
              <dt>Routing</dt>
              <dd>
                <Badge tone="accent">{meta.routing}</Badge>
              </dd>
            </div>
          ) : null}
          {meta.promptTokens !== null || meta.completionTokens !== null ? (
            <div>
              <dt>Tokens</dt>
              <dd data-testid="usage-tokens">
                {formatInt(meta.promptTokens ?? 0)} in · {formatInt(meta.completionTokens ?? 0)} out
              </dd>
            </div>
          ) : null}
          {meta.costUsd !== null ? (
            <div>
              <dt>Cost</dt>
              <dd data-testid="usage-cost">{formatUsd(meta.costUsd)}</dd>
            </div>
          ) : null}
          {meta.ttftMs !== null ? (
            <div>
              <dt>First token</dt>
              <dd>{formatMs(meta.ttftMs)}</dd>
            </div>
          ) : null}
          {meta.totalMs !== null ? (
            <div>
              <dt>Total</dt>
              <dd>{formatMs(meta.totalMs)}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </article>
  );
}
