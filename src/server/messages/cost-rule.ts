/**
 * @module The cost-changing-parameter rule (see `metering/unpriced-parameters.ts`) for Messages bodies: what would make
 * Anthropic bill beyond the catalog's token prices is refused with a 400 naming it, or dropped where dropping changes
 * nothing the client can rely on. It runs before routing, for every model (a translated model cannot do these things
 * either), BYOK included, so its answer never depends on the route. Cache writes and reads are token prices the
 * catalog has; `context_management`, `output_config`, thinking and top-level `cache_control` change the bill only
 * through reported tokens, and pass.
 *
 * - Server tools (`web_search_*`, `web_fetch_*`, `code_execution_*`, `tool_search_*`, and any Anthropic-defined tool
 *   type not known to run on the client): refused. They are billed per use (searches, container hours) or fetch
 *   content on the operator's account; tools Anthropic defines but the client runs (`bash_*`, `text_editor_*`,
 *   `computer_*`, `memory_*`) cost only tokens and pass.
 * - `mcp_servers` (the MCP connector: Anthropic's servers call URLs the tenant chose), `container` (code-execution
 *   containers, billed by the hour): refused.
 * - `speed: "fast"` (a premium per-token rate) and an `inference_geo` other than `"global"` (US-only inference costs
 *   1.1×): refused. `service_tier` `auto` and `standard_only` (all the schema accepts) both bill standard prices
 *   unless the operator bought Priority Tier capacity, which is paid for upfront.
 * - `file` sources (a `file_id` in the gateway operator's Anthropic account, or the tenant's when BYOK — which one
 *   answers is decided later by routing and failover): refused; send the content inline.
 * - Betas: `context-1m-*` (prompts over 200K tokens billed at 2× input) and `fast-mode-*` are dropped; the catalog's
 *   context window for Claude is 200K, so the beta would change nothing but the price. (`oauth-*` goes too: it
 *   describes the client's own login, and the gateway calls Anthropic with its key.)
 * @see https://platform.claude.com/docs/en/about-claude/pricing
 * @see https://platform.claude.com/docs/en/build-with-claude/data-residency
 */
import { invalidRequest, type GatewayError } from '../../core/gateway-error.js';
import type { CheckedRequest, CheckedTool, UserBlock } from './check-request.js';
import type { ImageBlock, DocumentBlock } from './request-schema.js';

/** Anthropic-defined tools the client runs: priced as tokens only. */
const CLIENT_TOOL_TYPE = /^(bash|text_editor|computer|memory)_\d{8}$/;

/**
 * Betas dropped before Claude sees them: the long-context and fast-mode ones change only the price within the
 * catalog's limits; `oauth-*` belongs to a client's own login to Anthropic, not to the gateway's key.
 */
const DROPPED_BETAS = [/^context-1m-/, /^fast-mode-/, /^oauth-/];

/** Whether a tool is one Anthropic defines and the client runs (`bash_20250124`, …). */
export function isClientDefinedTool(tool: CheckedTool): boolean {
  return tool.kind === 'defined' && CLIENT_TOOL_TYPE.test(tool.type);
}

/**
 * Throws a 400 naming the first part of the request that would be billed beyond the catalog's token prices; returns
 * the `anthropic-beta` values to send on (the header's comma-separated list, trimmed, without the dropped ones).
 */
export function applyCostRule(checked: CheckedRequest, betaHeader: string | string[] | undefined): string[] {
  const { body } = checked;
  for (const tool of checked.tools) {
    if (tool.kind === 'defined' && !isClientDefinedTool(tool)) {
      throw refused(
        `tools[${tool.at}]`,
        `\`tools[${tool.at}]\` (type ${JSON.stringify(tool.type.slice(0, 60))}) is not supported: server tools are billed per use on top of tokens (searches, fetches, container hours), which the gateway does not charge. Define the tool yourself (a custom tool with \`input_schema\`) and run it on your side`,
      );
    }
  }
  if (body.mcp_servers !== undefined && body.mcp_servers.length > 0) {
    throw refused(
      'mcp_servers',
      "`mcp_servers` is not supported: the MCP connector has Anthropic call servers on the gateway's account. Call your MCP tools yourself as custom tools",
    );
  }
  if (body.container !== undefined && body.container !== null) {
    throw refused('container', '`container` is not supported: code-execution containers are billed by the hour, which the gateway does not charge');
  }
  if (body.speed === 'fast') {
    throw refused(
      'speed',
      '`speed` "fast" is not supported: fast mode is billed at a premium per-token rate the catalog does not have. Omit it or send "standard"',
    );
  }
  if (body.inference_geo !== undefined && body.inference_geo !== null && body.inference_geo !== 'global') {
    throw refused(
      'inference_geo',
      `\`inference_geo\` ${JSON.stringify(body.inference_geo.slice(0, 40))} is not supported: inference pinned to a region is billed above the standard prices the gateway charges. Omit it or send "global"`,
    );
  }
  for (const turn of checked.turns) {
    if (turn.role !== 'user') continue;
    for (const [j, block] of turn.blocks.entries()) refuseFileSources(block, `messages[${turn.at}].content[${j}]`);
  }
  return keptBetas(betaHeader);
}

/** `file` sources, wherever a user block holds one (a tool result's content, a document made of blocks). */
function refuseFileSources(block: UserBlock | ImageBlock | DocumentBlock, param: string): void {
  if (block.type === 'tool_result') {
    const content = typeof block.content === 'string' ? [] : (block.content ?? []);
    for (const [k, item] of content.entries()) refuseFileSources(item, `${param}.content[${k}]`);
    return;
  }
  if (block.type !== 'image' && block.type !== 'document') return;
  const { source } = block;
  if (source.type === 'file') {
    throw refused(
      `${param}.source`,
      `\`${param}.source\` (type "file") is not supported: a \`file_id\` names a file in an Anthropic account the gateway chooses per request (its own, or yours with your own key). Send the content inline (base64, text or a URL)`,
    );
  }
  if (source.type === 'content' && typeof source.content !== 'string') {
    for (const [k, item] of source.content.entries()) refuseFileSources(item, `${param}.source.content[${k}]`);
  }
}

function keptBetas(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values
    .flatMap((value) => value.split(','))
    .map((beta) => beta.trim())
    .filter((beta) => beta !== '' && !DROPPED_BETAS.some((pattern) => pattern.test(beta)));
}

function refused(param: string, why: string): GatewayError {
  return invalidRequest(`${why}.`, param);
}
