/**
 * @module The single error renderer: anything thrown on a route becomes OpenAI's error shape with the right status.
 * Unknown errors are logged with the request id and answered with a generic 500 that leaks nothing.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, type ErrorCode } from '../core/gateway-error.js';
import { rejectionHeaders, setRateLimitHeaders } from './rate-limit-headers.js';
import { schemaIssuesToError } from './validation.js';

/** Turns any thrown value into a GatewayError. */
export function toGatewayError(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) return schemaIssuesToError(fastifyError.validation);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new GatewayError(status, codeForClientStatus(status), clientMessage(fastifyError));
  }
  return undefined;
}

/** Sends the error; headers already set on the reply (request id, rate limits) are kept. */
export function renderError(error: GatewayError, reply: FastifyReply): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).type('application/json').send(error.toBody());
}

/** Fastify's `setErrorHandler` callback. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toGatewayError(error);
  const limits = rejectionHeaders(error);
  if (limits !== undefined) setRateLimitHeaders(reply, limits);
  if (known !== undefined) return renderError(known, reply);
  request.log.error({ err: error, requestId: request.id }, 'unhandled error');
  return renderError(new GatewayError(500, 'internal_error', 'The server had an error while processing your request.'), reply);
}

function codeForClientStatus(status: number): ErrorCode {
  if (status === 404) return 'not_found';
  if (status === 413) return 'request_too_large';
  if (status === 401) return 'invalid_api_key';
  return 'invalid_request';
}

function clientMessage(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/json.';
    default:
      return error.message ?? 'Bad request.';
  }
}
