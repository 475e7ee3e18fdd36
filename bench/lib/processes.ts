/**
 * Child processes for the benchmarks and the process tests: each server (simulator, gateway, peer) runs in its own
 * process so its CPU and memory are its own, and RSS can be sampled from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Running {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A gateway started by `startServe`: its URL, everything it has written, and its exit. */
export interface ServeProcess extends Running {
  url: string;
  /** Its stdout and stderr so far, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `command` and resolves once `ready` matches a line of its output (stdout or stderr). */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, cwd?: string): Promise<Running> {
  return launch(command, args, env, ready, cwd, false);
}

/**
 * `originalpoint serve` from source (through tsx) on 127.0.0.1 and a free port, logging warnings only, with `env`
 * on top (the data directory, provider keys and base URLs); resolves once it listens. Its output is kept.
 */
export async function startServe(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const port = await freePort();
  const args = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve'];
  const running = await launch(
    process.execPath,
    args,
    { OP_PORT: String(port), OP_HOST: '127.0.0.1', OP_LOG_LEVEL: 'warn', ...env },
    /listening on/,
    ROOT,
    true,
  );
  return { ...running, url: `http://127.0.0.1:${port}` };
}

/** Spawns `command`, resolving once `ready` matches its output; with `keepOutput`, goes on collecting it after. */
function launch(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  cwd: string | undefined,
  keepOutput: boolean,
): Promise<Omit<ServeProcess, 'url'>> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${command} ${args.join(' ')}:\n${output.slice(-2000)}`)), 60_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (!started && ready.test(output)) {
        started = true;
        clearTimeout(timer);
        if (!keepOutput) {
          child.stdout?.off('data', onData);
          child.stderr?.off('data', onData);
          child.stdout?.resume();
          child.stderr?.resume();
        }
        resolve({ child, stop: () => stopProcess(child), output: () => output, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${command} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resident set size of a process in MB, from /proc (0 when unavailable). */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]) / 1024;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process has used so far, in ms; 0 when it cannot be read. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in clock ticks (100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Samples RSS every `intervalMs`; `stop()` returns the peak. */
export function sampleRss(pid: number | undefined, intervalMs = 100): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMb(pid));
    },
  };
}
