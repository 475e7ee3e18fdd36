/**
 * @module Claude Code through the gateway's `/v1/messages` (run by `claude-code.sh`, which installs the pinned
 * version): `claude -p` in a temporary directory with `ANTHROPIC_BASE_URL` = the gateway, `ANTHROPIC_AUTH_TOKEN` =
 * an `op_…` key and only the `Read` tool allowed — once on a Claude model (Anthropic's own names, which the door
 * maps to the catalog) and once with `--model gpt-5`. The simulated model calls `Read` on `hello.txt`, then
 * answers from it; on Claude the tool-result turn must carry the signed thinking block back. Non-essential traffic
 * (telemetry, error reports, update checks) is off, so Claude Code talks to nothing but the gateway.
 */

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentRun, baseEnv, runAll } from './harness.js';

const CLAUDE = fileURLToPath(new URL('../../.agents/claude-code/node_modules/.bin/claude', import.meta.url));
const TIMEOUT_MS = 180_000;
const PROMPT = 'What does hello.txt in this directory say? Read it, then answer in one sentence.';

/** `model` for the main loop, `sideModel` for Claude Code's background tasks (titles, summaries). */
function claudeRun(label: string, model: string, sideModel: string, expectSignedReasoning: boolean): AgentRun {
  return {
    label,
    toolCall: (context) => ({ name: 'Read', arguments: { file_path: join(context.workDir, 'hello.txt') } }),
    command: (context) => ({
      command: CLAUDE,
      args: ['-p', PROMPT, '--model', model, '--allowedTools', 'Read', '--output-format', 'text', '--max-turns', '4'],
      cwd: context.workDir,
      env: {
        ...baseEnv(context),
        ANTHROPIC_BASE_URL: context.gatewayUrl,
        ANTHROPIC_AUTH_TOKEN: context.apiKey,
        ANTHROPIC_DEFAULT_HAIKU_MODEL: sideModel,
        // One switch for telemetry, error reporting, the bug command and the auto-updater; the others spell it out.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
      },
      timeoutMs: TIMEOUT_MS,
    }),
    expectSignedReasoning,
  };
}

await runAll([
  claudeRun('claude -p on claude-sonnet-4-5 (Anthropic name)', 'claude-sonnet-4-5', 'claude-haiku-4-5', true),
  claudeRun('claude -p --model gpt-5', 'gpt-5', 'gpt-5', false),
]);
