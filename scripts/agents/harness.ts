/**
 * @module One opt-in agent run, end to end: a temporary workspace holding `hello.txt` (with a marker no model
 * could guess), a fresh stack (simulator, tap, gateway), the simulator scripted to call the agent's file-reading
 * tool with fixed arguments, the agent itself under a time limit, then the checks: the agent exited 0, the call it
 * got was exactly the scripted one, the next upstream request carried the file's contents back as the tool result
 * (and, where asked, a signed reasoning block with it), and the agent printed the model's final answer.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ScriptedToolCall } from '../../src/simulator/tool-calls.js';
import { type AgentCommand, runAgent } from './run-agent.js';
import { startAgentStack } from './stack.js';
import { issuedSignatures, readUpstreamTurn, type UpstreamTurn } from './upstream-turns.js';

/** Where an agent runs and what it talks to. */
export interface RunContext {
  /** The agent's working directory; holds `hello.txt`. */
  workDir: string;
  /** A fresh home directory, so no user config, credentials or history leak in or out. */
  homeDir: string;
  /** The gateway's base URL, without `/v1`. */
  gatewayUrl: string;
  /** An `op_…` key of the gateway's demo account. */
  apiKey: string;
}

/** One agent on one model. */
export interface AgentRun {
  /** E.g. `codex exec on gpt-5`. */
  label: string;
  /** The call the simulated model makes (its tool must be one the agent offers). */
  toolCall(context: RunContext): ScriptedToolCall;
  command(context: RunContext): AgentCommand;
  /** The tool-result turn must carry the model's signed reasoning back (Claude's thinking signature). */
  expectSignedReasoning: boolean;
}

/** Reasoning tokens the simulated model thinks before answering, so every run carries reasoning state. */
const REASONING_TOKENS = 8;
/** Long enough for the final answer to quote the tool result. */
const OUTPUT_TOKENS = 48;

interface Check {
  ok: boolean;
  what: string;
}

/** The environment every agent starts from: no inherited secrets, only a PATH and the fresh home. */
export function baseEnv(context: RunContext): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: context.homeDir,
    TMPDIR: tmpdir(),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
  };
}

function describeTurn(turn: UpstreamTurn): string {
  const head = `  POST ${turn.path} model=${turn.model ?? '?'} status=${turn.status ?? '-'} tools=${turn.tools.length}`;
  const trip = turn.roundTrip;
  if (trip === undefined) return head;
  const result = trip.result.replace(/\s+/g, ' ').slice(0, 80);
  return `${head}\n    tool result for ${trip.toolName}(${JSON.stringify(trip.arguments)}): "${result}" · signed reasoning blocks: ${trip.signatures.length}`;
}

/** What a run saw: the upstream requests, the signatures the upstream issued, and everything the agent printed. */
interface Observed {
  turns: readonly UpstreamTurn[];
  issued: ReadonlySet<string>;
  printed: string;
}

function checksFor(run: AgentRun, call: ScriptedToolCall, marker: string, { turns, issued, printed }: Observed): Check[] {
  const offered = turns.some((turn) => turn.tools.includes(call.name));
  const trip = turns.find((turn) => turn.roundTrip?.toolName === call.name)?.roundTrip;
  const checks: Check[] = [
    {
      ok: offered,
      what: offered
        ? `the agent offered ${call.name}`
        : `the agent never offered ${call.name}; it offered: ${[...new Set(turns.flatMap((turn) => turn.tools))].join(', ')}`,
    },
    {
      ok: trip !== undefined && isDeepStrictEqual(trip.arguments, call.arguments),
      what: `the call came back as ${call.name}(${JSON.stringify(call.arguments)})`,
    },
    { ok: trip?.result.includes(marker) === true, what: `the tool result carried the file's marker ${marker}` },
    { ok: printed.includes('The tool returned:'), what: 'the agent printed the final answer (it quotes the tool result)' },
  ];
  if (run.expectSignedReasoning) {
    const carried = trip?.signatures ?? [];
    checks.push({
      ok: carried.length > 0 && carried.every((signature) => issued.has(signature)),
      what: 'the tool-result turn carried the signed thinking back, its signature unchanged from the upstream answer',
    });
  }
  return checks;
}

/** Runs one agent on one model; returns whether every check passed. Keeps the temp dir (and its logs) on failure. */
export async function runOne(run: AgentRun): Promise<boolean> {
  const root = mkdtempSync(join(tmpdir(), 'op-agent-'));
  const workDir = join(root, 'work');
  const homeDir = join(root, 'home');
  const dataDir = join(root, 'data');
  for (const dir of [workDir, homeDir, dataDir]) mkdirSync(dir);
  const marker = `op-check-${randomBytes(4).toString('hex')}`;
  writeFileSync(join(workDir, 'hello.txt'), `Hello from the OriginalPoint agent check ${marker}\n`);
  process.stdout.write(`\n=== ${run.label}\n`);
  const stack = await startAgentStack(dataDir);
  let passed = false;
  try {
    const context: RunContext = { workDir, homeDir, gatewayUrl: stack.gatewayUrl, apiKey: stack.apiKey };
    const call = run.toolCall(context);
    stack.simulator.setKnobs('*', { toolCall: [call], reasoningTokens: REASONING_TOKENS, outputTokens: OUTPUT_TOKENS });
    const outcome = await runAgent(run.command(context));
    const turns = stack.tap.records.flatMap((record) => readUpstreamTurn(record) ?? []);
    process.stdout.write(`--- upstream requests (${turns.length}):\n${turns.map(describeTurn).join('\n')}\n`);
    const exited = outcome.timedOut ? 'timed out' : `exit ${outcome.exitCode ?? outcome.signal}`;
    const checks: Check[] = [
      { ok: !outcome.timedOut && outcome.exitCode === 0, what: `the agent finished (${exited})` },
      ...checksFor(run, call, marker, { turns, issued: issuedSignatures(stack.tap.records), printed: outcome.stdout + outcome.stderr }),
    ];
    for (const check of checks) process.stdout.write(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.what}\n`);
    passed = checks.every((check) => check.ok);
  } finally {
    await stack.close();
  }
  if (passed) rmSync(root, { recursive: true, force: true });
  else {
    const upstreamLog = join(root, 'upstream.jsonl');
    writeFileSync(upstreamLog, stack.tap.records.map((record) => JSON.stringify(record)).join('\n'));
    process.stdout.write(`  kept ${root} (gateway log: ${stack.logFile}, upstream requests and answers: ${upstreamLog})\n`);
  }
  process.stdout.write(`=== ${run.label}: ${passed ? 'PASS' : 'FAIL'}\n`);
  return passed;
}

/** Runs every run in turn and sets the exit code: 0 only when all passed. */
export async function runAll(runs: readonly AgentRun[]): Promise<void> {
  const results: boolean[] = [];
  for (const run of runs) results.push(await runOne(run));
  process.exitCode = results.every(Boolean) ? 0 : 1;
}
