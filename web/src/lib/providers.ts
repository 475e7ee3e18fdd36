/** Providers a user can bring a key for, with the key format the API checks. */
export interface ProviderInfo {
  id: string;
  name: string;
  /** What the key starts with, for the hint under the input. */
  prefix: string;
  /** Where to get one. */
  consoleUrl: string;
}

export const PROVIDERS: readonly ProviderInfo[] = [
  { id: 'openai', name: 'OpenAI', prefix: 'sk-', consoleUrl: 'https://platform.openai.com/api-keys' },
  { id: 'anthropic', name: 'Anthropic', prefix: 'sk-ant-', consoleUrl: 'https://console.anthropic.com/settings/keys' },
  { id: 'google', name: 'Google', prefix: 'AIza', consoleUrl: 'https://aistudio.google.com/apikey' },
  { id: 'mistral', name: 'Mistral', prefix: '', consoleUrl: 'https://console.mistral.ai/api-keys' },
  { id: 'deepseek', name: 'DeepSeek', prefix: 'sk-', consoleUrl: 'https://platform.deepseek.com/api_keys' },
  { id: 'xai', name: 'xAI', prefix: 'xai-', consoleUrl: 'https://console.x.ai' },
  { id: 'groq', name: 'Groq', prefix: 'gsk_', consoleUrl: 'https://console.groq.com/keys' },
  { id: 'deepinfra', name: 'DeepInfra', prefix: '', consoleUrl: 'https://deepinfra.com/dash/api_keys' },
];

const OTHER_NAMES: Record<string, string> = { meta: 'Meta', 'meta-llama': 'Meta', simulator: 'Simulator' };

export function providerName(id: string | null | undefined): string {
  if (!id) return '—';
  return PROVIDERS.find((provider) => provider.id === id)?.name ?? OTHER_NAMES[id] ?? id;
}
