/**
 * @module Errors raised before any route or hook runs, rendered in OpenAI's shape like every other error (Fastify's
 * defaults answer `{"error":"Bad Request","statusCode":400,…}`, which OpenAI clients cannot read):
 * - `frameworkErrors`: a path with malformed percent-encoding (400) or a path parameter longer than the router's
 *   limit (414). The path is not echoed back.
 * - `clientErrorHandler`: requests Node's HTTP parser refuses — a broken request line, control characters in a
 *   header, conflicting `content-length`/`transfer-encoding` framing (400), headers over 16 KiB (431), a request
 *   that took too long to arrive (408). There is no request object then: the answer is written on the raw socket,
 *   which is then closed, as Node and Fastify do by default.
 * @see https://nodejs.org/api/http.html#event-clienterror
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/gateway-error.js';
import { renderError } from './error-handler.js';
import { setSecurityHeaders } from './security-headers.js';

/** Fastify's `frameworkErrors` option. */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('x-request-id', request.id);
  setSecurityHeaders(request, reply);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return renderError(new GatewayError(414, 'invalid_request', 'A segment of the request path is too long.'), reply);
  }
  return renderError(new GatewayError(400, 'invalid_request', 'The request path is not a valid URL (malformed percent-encoding).'), reply);
}

/** The parser errors Node reports with a `code`. */
interface ClientError extends Error {
  code?: string;
}

/** Fastify's `clientErrorHandler` option. */
export function handleClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const gatewayError = clientErrorFor(error.code);
  if (socket.writable) {
    const body = JSON.stringify(gatewayError.toBody());
    socket.write(
      `HTTP/1.1 ${gatewayError.status} ${STATUS_CODES[gatewayError.status] ?? 'Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function clientErrorFor(code: string | undefined): GatewayError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError(431, 'request_too_large', 'The request headers are too large.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError(408, 'invalid_request', 'The request took too long to arrive.', { retryable: false });
    default:
      return new GatewayError(400, 'invalid_request', 'Malformed HTTP request.');
  }
}
