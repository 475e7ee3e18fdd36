/**
 * @module Codex CLI through the gateway's `/v1/responses` (run by `codex.sh`, which installs the pinned version):
 * `codex exec` in a temporary directory with the read-only sandbox and a custom model provider pointing at the
 * gateway, once on `gpt-5` and once on `claude-sonnet-4.5`. The simulated model calls Codex's shell tool
 * (`exec_command`) with `cat hello.txt`, then answers from the output; on Claude the tool-result turn must carry the
 * signed thinking back (Codex keeps it in a reasoning item's `encrypted_content`). Telemetry, plugin sync and update
 * checks are off, so Codex talks to nothing but the gateway.
 */

import { fileURLToPath } from 'node:url';
import { type AgentRun, baseEnv, type RunContext, runAll } from './harness.js';

const CODEX = fileURLToPath(new URL('../../.agents/codex/node_modules/.bin/codex', import.meta.url));
const TIMEOUT_MS = 180_000;
const PROMPT = 'What does hello.txt in this directory say? Read it, then answer in one sentence.';

/** Codex's arguments; the provider block is what a user puts in `~/.codex/config.toml` (see the README). */
function codexArgs(context: RunContext, model: string): string[] {
  const config = [
    'model_provider="originalpoint"',
    'model_providers.originalpoint.name="OriginalPoint"',
    `model_providers.originalpoint.base_url="${context.gatewayUrl}/v1"`,
    'model_providers.originalpoint.wire_api="responses"',
    'model_providers.originalpoint.env_key="OP_API_KEY"',
    // A failure should show at once, not after Codex's retries.
    'model_providers.originalpoint.request_max_retries=0',
    'model_providers.originalpoint.stream_max_retries=0',
    // Nothing but the gateway: no analytics, no update check.
    'analytics.enabled=false',
    'check_for_update_on_startup=false',
  ];
  // Plugin and app sync fetch from github.com and chatgpt.com; the shell snapshot would source the user's rc files.
  const disabled = ['plugins', 'remote_plugin', 'apps', 'shell_snapshot'];
  return [
    'exec',
    '--skip-git-repo-check',
    '--ephemeral',
    '--sandbox',
    'read-only',
    '--color',
    'never',
    ...config.flatMap((entry) => ['-c', entry]),
    ...disabled.flatMap((feature) => ['--disable', feature]),
    '-m',
    model,
    PROMPT,
  ];
}

/** `signedReasoning`: the model's signed reasoning must come back in the tool-result turn (Claude's thinking). */
function codexRun(model: string, signedReasoning: boolean): AgentRun {
  return {
    label: `codex exec on ${model}`,
    toolCall: () => ({ name: 'exec_command', arguments: { cmd: 'cat hello.txt' } }),
    command: (context) => ({
      command: CODEX,
      args: codexArgs(context, model),
      cwd: context.workDir,
      // Codex keeps its state in ~/.codex, under the fresh home.
      env: { ...baseEnv(context), OP_API_KEY: context.apiKey },
      timeoutMs: TIMEOUT_MS,
    }),
    expectSignedReasoning: signedReasoning,
  };
}

await runAll([codexRun('gpt-5', false), codexRun('claude-sonnet-4.5', true)]);
