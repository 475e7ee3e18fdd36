/**
 * @module The providers the gateway calls: as configured, or, when asked to simulate, every provider without an API
 * key served by an in-process simulator on a loopback port (`npm start`, the tests).
 */
import type { ProviderConfig } from '../../config/types.js';
import { type Simulator, startSimulator } from '../../simulator/index.js';

export interface Upstreams {
  providers: Record<string, ProviderConfig>;
  /** Provider ids served by the simulator. */
  simulated: string[];
  simulator: Simulator | undefined;
  close(): Promise<void>;
}

/** Starts the simulator when `simulate` and some provider has no key; otherwise the providers as configured. */
export async function startUpstreams(configured: Record<string, ProviderConfig>, simulate: boolean): Promise<Upstreams> {
  const unkeyed = Object.values(configured).some((p) => !p.apiKey);
  const simulator = simulate && unkeyed ? await startSimulator({ host: '127.0.0.1', port: 0 }) : undefined;
  const { providers, simulated } = simulator === undefined ? { providers: configured, simulated: [] } : simulateProviders(configured, simulator.url);
  return { providers, simulated, simulator, close: async () => simulator?.close() };
}

/** Points every provider without a key at the simulator, under its own path prefix. */
function simulateProviders(
  configured: Record<string, ProviderConfig>,
  simulatorUrl: string,
): { providers: Record<string, ProviderConfig>; simulated: string[] } {
  const providers: Record<string, ProviderConfig> = {};
  const simulated: string[] = [];
  for (const [id, provider] of Object.entries(configured)) {
    if (provider.apiKey) {
      providers[id] = provider;
      continue;
    }
    const baseUrl = provider.format === 'openai' ? `${simulatorUrl}/${id}/v1` : `${simulatorUrl}/${id}`;
    providers[id] = { ...provider, baseUrl, apiKey: 'simulated' };
    simulated.push(id);
  }
  return { providers, simulated };
}
