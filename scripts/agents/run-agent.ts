/**
 * @module Runs one agent CLI to completion with a hard time limit: its own process group (so the shells and
 * sandboxes it spawns end with it), stdin closed, output captured and echoed as it comes. On timeout the group gets
 * SIGTERM, then SIGKILL.
 */

import { spawn } from 'node:child_process';

export interface AgentCommand {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment of the agent (nothing else is inherited). */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface AgentOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Time between SIGTERM and SIGKILL of a timed-out agent. */
const KILL_GRACE_MS = 3000;

/** Sends `signal` to the agent's process group; it may already be gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has exited.
  }
}

/** Runs the agent; resolves when it exits (or was killed after `timeoutMs`). */
export function runAgent(agent: AgentCommand): Promise<AgentOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(agent.command, agent.args, { cwd: agent.cwd, env: agent.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      process.stdout.write(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      process.stderr.write(text);
    });
    const timers: NodeJS.Timeout[] = [];
    timers.push(
      setTimeout(() => {
        timedOut = true;
        if (child.pid === undefined) return;
        const pid = child.pid;
        signalGroup(pid, 'SIGTERM');
        timers.push(setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS));
      }, agent.timeoutMs),
    );
    child.on('error', (error) => {
      for (const timer of timers) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      for (const timer of timers) clearTimeout(timer);
      // Whatever the agent left running in its group (a sandboxed shell) ends with it.
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve({ exitCode, signal, timedOut, stdout, stderr });
    });
  });
}
