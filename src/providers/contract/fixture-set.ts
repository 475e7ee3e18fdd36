/**
 * @module The per-adapter fixture file of the adapter contract (`<adapter>/__fixtures__/contract.json`): its
 * TypeBox schema, and the loader that checks a file and turns it into the typed set the suite runs on.
 *
 * File layout:
 * - `namedEvents`: whether the upstream names its SSE events (Anthropic does, after the payload's `type`);
 * - `target`: the deployment the requests are translated for;
 * - `scenarios.<name>`: either `{ "skip": "<why this wire format has no such feature>" }`, or
 *   `{ "request": { "path"?, "body", "warnings"? }, "response": { "body", "events" } }`. `request.body` is a subset
 *   the upstream body must contain (see `assertSubset`); `warnings` defaults to none. `response.body` is the
 *   non-streamed upstream answer and `response.events` the same answer streamed: each event is the JSON payload of
 *   one SSE `data:` line, or a string sent as is (e.g. `[DONE]`);
 * - `errors`: an upstream 429 (with its retry delay), an upstream 5xx, and a stream failing mid-way, each with the
 *   upstream `message` the client must still see.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ProviderAdapter, SseEvent, UpstreamHeaders, UpstreamTarget } from '../types.js';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js';

const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Events = Type.Array(Type.Union([Type.String(), JsonObject]), { minItems: 1 });
const Closed = { additionalProperties: false } as const;

const SkipFixture = Type.Object({ skip: Type.String({ minLength: 1 }) }, Closed);
const PlayFixture = Type.Object(
  {
    request: Type.Object({ path: Type.Optional(Type.String()), body: JsonObject, warnings: Type.Optional(Type.Array(Type.String())) }, Closed),
    response: Type.Object({ body: Type.Unknown(), events: Events }, Closed),
  },
  Closed,
);
const UpstreamFailure = Type.Object(
  {
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.Unknown(),
    message: Type.String({ minLength: 1 }),
  },
  Closed,
);

const FixtureFile = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    namedEvents: Type.Boolean(),
    target: Type.Object({ baseUrl: Type.String(), apiKey: Type.String(), upstreamModel: Type.String() }, Closed),
    scenarios: Type.Record(Type.String(), Type.Union([SkipFixture, PlayFixture])),
    errors: Type.Object(
      {
        rateLimit: UpstreamFailure,
        serverError: UpstreamFailure,
        streamError: Type.Object({ events: Events, message: Type.String({ minLength: 1 }) }, Closed),
      },
      Closed,
    ),
  },
  Closed,
);
const checkFile = TypeCompiler.Compile(FixtureFile);

/** What an adapter must produce upstream for a scenario's request. */
export interface RequestExpectation {
  path?: string;
  /** A subset of the upstream body. */
  body: Record<string, unknown>;
  warnings: string[];
}

/** One upstream answer, whole and streamed. */
export interface UpstreamAnswer {
  body: unknown;
  events: SseEvent[];
}

export type ScenarioFixture = { skip: string } | { request: RequestExpectation; response: UpstreamAnswer };

/** An upstream error answer. */
export interface UpstreamFailureFixture {
  status: number;
  headers: UpstreamHeaders;
  body: string;
  /** Text of the upstream's message that must survive into the GatewayError. */
  message: string;
}

/** Everything the contract runs on for one adapter. */
export interface AdapterFixtureSet {
  adapter: ProviderAdapter;
  target: UpstreamTarget;
  scenarios: Record<ScenarioName, ScenarioFixture>;
  errors: {
    rateLimit: UpstreamFailureFixture;
    serverError: UpstreamFailureFixture;
    streamError: { events: SseEvent[]; message: string };
  };
}

type FileEvents = Static<typeof Events>;

function toSseEvents(events: FileEvents, named: boolean): SseEvent[] {
  return events.map((event) => {
    if (typeof event === 'string') return { data: event };
    const name = named && typeof event.type === 'string' ? event.type : undefined;
    return { event: name, data: JSON.stringify(event) };
  });
}

function toFailure(failure: Static<typeof UpstreamFailure>): UpstreamFailureFixture {
  const body = typeof failure.body === 'string' ? failure.body : JSON.stringify(failure.body);
  return { status: failure.status, headers: failure.headers, body, message: failure.message };
}

function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/**
 * Reads and checks an adapter's contract fixture file. Throws, naming the problems, when the file does not have the
 * layout above, names an unknown scenario or leaves one out.
 */
export function loadAdapterFixtureSet(adapter: ProviderAdapter, file: URL): AdapterFixtureSet {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!checkFile.Check(parsed)) {
    const problems = [...checkFile.Errors(parsed)].slice(0, 5).map((error) => `${error.path}: ${error.message}`);
    throw new Error(`${file.pathname} is not a contract fixture file:\n${problems.join('\n')}`);
  }
  const unknown = Object.keys(parsed.scenarios).filter((name) => !isScenarioName(name));
  const missing = SCENARIO_NAMES.filter((name) => !Object.hasOwn(parsed.scenarios, name));
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(`${file.pathname}: unknown scenarios [${unknown.join(', ')}], missing [${missing.join(', ')}]`);
  }
  const scenarios = Object.fromEntries(
    SCENARIO_NAMES.map((name): [ScenarioName, ScenarioFixture] => {
      const fixture = parsed.scenarios[name];
      if (fixture === undefined || 'skip' in fixture) return [name, { skip: fixture?.skip ?? 'missing' }];
      const { request, response } = fixture;
      return [
        name,
        {
          request: { ...request, warnings: request.warnings ?? [] },
          response: { body: response.body, events: toSseEvents(response.events, parsed.namedEvents) },
        },
      ];
    }),
  ) as Record<ScenarioName, ScenarioFixture>;
  return {
    adapter,
    target: parsed.target,
    scenarios,
    errors: {
      rateLimit: toFailure(parsed.errors.rateLimit),
      serverError: toFailure(parsed.errors.serverError),
      streamError: {
        events: toSseEvents(parsed.errors.streamError.events, parsed.namedEvents),
        message: parsed.errors.streamError.message,
      },
    },
  };
}
