/**
 * @module A streamed answer from Claude, relayed event by event as Anthropic sent it (`event:` names and data
 * verbatim: `ping`, every content block type and delta, `context_management`, fields the gateway does not know),
 * with three changes: `message_start` carries our `msg_…` id and the catalog id as `model`; `message_delta` and
 * `message_stop` are held until the stream has ended and its usage is settled, so the last `message_delta.usage`
 * carries the ledger's numbers and `cost_usd`; and an upstream `error` event is written by the pipeline's error path
 * (`error()`), not relayed twice.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
import { isRecord } from '../../core/guards.js';
import type { Usage } from '../../core/chat-response.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { OutboundEvent } from '../../pipeline/index.js';
import type { NativeEvent } from '../../providers/index.js';
import { anthropicErrorBody } from './errors.js';
import type { MessageStamp } from './message.js';
import { withSettledUsage } from './usage.js';

/** The relay of one stream from Claude; `model` names the model that answered (the catalog id). */
export function nativeStreamEncoder(stamp: MessageStamp, model: () => string) {
  const held: Record<string, unknown>[] = [];
  let stop: Record<string, unknown> | undefined;
  return {
    relay(native: NativeEvent): OutboundEvent[] {
      const { event, data } = native;
      switch (event) {
        case 'message_start': {
          const message = isRecord(data.message) ? { ...data.message, id: stamp.id, model: model() } : data.message;
          return [{ event, data: { ...data, message } }];
        }
        case 'message_delta':
          held.push(data);
          return [];
        case 'message_stop':
          stop = data;
          return [];
        case 'error':
          return [];
        default:
          return [{ event, data }];
      }
    },
    end(usage: Usage): OutboundEvent[] {
      const last = held.at(-1) ?? { type: 'message_delta', delta: { stop_reason: null, stop_sequence: null } };
      const deltas = [...held.slice(0, -1), { ...last, usage: withSettledUsage(last.usage, usage) }];
      return [...deltas.map((data) => ({ event: 'message_delta', data })), { event: 'message_stop', data: stop ?? { type: 'message_stop' } }];
    },
    error(error: GatewayError): OutboundEvent[] {
      return [{ event: 'error', data: anthropicErrorBody(error) }];
    },
  };
}
