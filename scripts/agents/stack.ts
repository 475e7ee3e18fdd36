/**
 * @module The servers an opt-in agent run talks to, all on 127.0.0.1: the provider simulator, a recording tap in
 * front of it, and a real gateway (the repository's source, SQLite in a temporary data dir, the default catalog)
 * whose every provider points at the tap, with the demo account's `op_…` key. Nothing reaches the internet.
 */

import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/index.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { startGateway } from '../../src/server/start.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { startTap, type Tap } from './tap.js';

/** A running stack. */
export interface AgentStack {
  /** The gateway's base URL, without `/v1`. */
  gatewayUrl: string;
  /** The demo account's key. */
  apiKey: string;
  simulator: Simulator;
  tap: Tap;
  /** The gateway's JSON log (pino). */
  logFile: string;
  close(): Promise<void>;
}

/** Every provider of the catalog served by the simulator through the tap, as `serve --simulate` would wire it. */
function throughTap(config: GatewayConfig, tapUrl: string): GatewayConfig {
  const providers: GatewayConfig['providers'] = {};
  for (const [id, provider] of Object.entries(config.providers)) {
    const baseUrl = provider.format === 'openai' ? `${tapUrl}/${id}/v1` : `${tapUrl}/${id}`;
    providers[id] = { ...provider, baseUrl, apiKey: 'simulated' };
  }
  return { ...config, providers };
}

/** Starts the simulator, the tap and the gateway; `dataDir` must be a fresh empty directory. */
export async function startAgentStack(dataDir: string): Promise<AgentStack> {
  const simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
  const tap = await startTap(simulator.url);
  const loaded = loadConfig({ env: { OP_HOST: '127.0.0.1', OP_PORT: '0', OP_DATA_DIR: dataDir } });
  const logFile = join(dataDir, 'gateway.log');
  const logger = { level: 'info', stream: pino.destination({ dest: logFile, sync: true }) };
  const gateway = await startGateway({ config: throughTap(loaded, tap.url), simulate: false, logger, seedDemo: true, webDistDir: false });
  if (gateway.demoKey === undefined) throw new Error('the gateway created no demo key');
  return {
    gatewayUrl: gateway.url,
    apiKey: gateway.demoKey,
    simulator,
    tap,
    logFile,
    async close() {
      await gateway.close();
      await tap.close();
      await simulator.close();
    },
  };
}
