/** @module Configuration: loading, validation and the built-in catalog. */
export { loadConfig, ConfigError, type LoadConfigOptions } from './load.js';
export type {
  GatewayConfig,
  ProviderConfig,
  ModelConfig,
  ChatModelConfig,
  EmbeddingModelConfig,
  DimensionRange,
  ModelKind,
  Deployment,
  PlanConfig,
  ModelPricing,
  ResponsesConfig,
  TimeoutConfig,
  TelemetryConfig,
  OtlpTracesConfig,
  OtlpProtocol,
} from './types.js';
