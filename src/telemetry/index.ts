/**
 * @module OpenTelemetry tracing (README: Tracing): a SERVER span per request and a CLIENT span per upstream attempt,
 * in the GenAI semantic conventions, continuing the client's W3C trace and propagated to the upstreams; exported over
 * OTLP/HTTP when configured, and nothing at all (no SDK loaded) when not.
 */
export { startTelemetry, Telemetry, tracerProvidersRunning, type TelemetryOptions } from './telemetry.js';
export { RequestSpan, type AttemptTracer, type RequestOutcome, type RequestStart } from './request-span.js';
export { AttemptSpan, type AttemptFailure, type AttemptTarget } from './attempt-span.js';
export { COUNT_TOKENS_OPERATION } from './attributes.js';
