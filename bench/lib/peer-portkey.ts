/**
 * The peer: Portkey's open-source gateway (`@portkey-ai/gateway` 1.15.2), installed from the npm registry into a
 * scratch folder (`bench/.peer/`, git-ignored) and started headless on 127.0.0.1. `@hono/node-server` is pinned to
 * 1.13.5 through `overrides`, without which its streaming breaks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from './load.js';
import { freePort, startProcess, type Running } from './processes.js';

const FOLDER = new URL('../.peer/portkey/', import.meta.url).pathname;
const ENTRY = join(FOLDER, 'node_modules/@portkey-ai/gateway/build/start-server.js');

/** Installs Portkey's gateway once (later runs reuse the folder). */
export function installPortkey(): void {
  if (existsSync(ENTRY)) return;
  mkdirSync(FOLDER, { recursive: true });
  writeFileSync(
    join(FOLDER, 'package.json'),
    JSON.stringify({
      name: 'op-bench-peer',
      private: true,
      dependencies: { '@portkey-ai/gateway': '1.15.2' },
      overrides: { '@hono/node-server': '1.13.5' },
    }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: FOLDER, stdio: 'inherit' });
}

/** Starts Portkey in front of the simulator's OpenAI-format endpoint. */
export async function startPortkey(simulatorUrl: string, body: Record<string, unknown>): Promise<{ running: Running; target: Target }> {
  installPortkey();
  const port = await freePort();
  const running = await startProcess('node', [ENTRY, `--port=${port}`, '--headless'], { NODE_ENV: 'production' }, /Ready for connections/);
  return {
    running,
    target: {
      name: 'peer (portkey)',
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: { authorization: 'Bearer sim', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${simulatorUrl}/openai/v1` },
      body,
    },
  };
}
