/**
 * A stand-in OpenTelemetry collector for tests: an OTLP/HTTP receiver on 127.0.0.1 that keeps every export (its
 * headers and raw body) and decodes `http/json` exports into plain spans (hex ids, attributes as JS values).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One export request as received. */
export interface OtlpExport {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A span of an `http/json` export. */
export interface ReceivedSpan {
  name: string;
  /** OTLP's numbering: 2 SERVER, 3 CLIENT. */
  kind: number;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  attributes: Record<string, unknown>;
  /** OTLP's numbering: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** The resource's `service.name`. */
  serviceName: unknown;
}

export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;
export const STATUS_ERROR = 2;

export interface OtlpReceiver {
  /** The traces endpoint (`…/v1/traces`). */
  tracesUrl: string;
  exports: OtlpExport[];
  /** Every span of every `http/json` export so far. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

/** Starts a receiver that answers every export 200 with an empty (successful) response. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: OtlpExport[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      exports.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tracesUrl: `http://127.0.0.1:${port}/v1/traces`,
    exports,
    spans: () => exports.filter((e) => String(e.headers['content-type']).includes('json')).flatMap((e) => decodeJsonExport(e.body)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface JsonAttribute {
  key: string;
  value: JsonValue;
}

interface JsonValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonValue[] };
}

interface JsonExport {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{
        name: string;
        kind: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: JsonAttribute[];
        status?: { code?: number };
      }>;
    }>;
  }>;
}

function decodeJsonExport(body: Buffer): ReceivedSpan[] {
  const parsed = JSON.parse(body.toString('utf8')) as JsonExport;
  return (parsed.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = attributesOf(resourceSpans.resource?.attributes)['service.name'];
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        name: span.name,
        kind: span.kind,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        attributes: attributesOf(span.attributes),
        statusCode: span.status?.code ?? 0,
        serviceName,
      })),
    );
  });
}

function attributesOf(attributes: JsonAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, decodeValue(value)]));
}

function decodeValue(value: JsonValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}
