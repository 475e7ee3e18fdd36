/**
 * @module Serving the dashboard single-page app from its Vite build (`web/dist`) at `/`. A path that names a file
 * (`/assets/index-3f2a.js`, `/favicon.svg`) is served from the build as it is on disk at that moment, so a rebuild
 * needs no restart: hashed `/assets/*` are cached for a year, everything else is revalidated. Any other GET outside
 * `/v1/` and `/api/` gets `index.html`, so client-side routes (`/keys`, `/usage`, …) survive a reload. Without a
 * build, those paths answer a 404 page that says how to build it.
 */
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/gateway-error.js';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OriginalPoint: dashboard not built</title></head>
<body><h1>The dashboard has not been built</h1>
<p>The API is running: <code>/v1</code> for OpenAI-compatible clients, <code>/api</code> for the dashboard.</p>
<p>Build the web app in <code>web/</code> (its output goes to <code>web/dist</code>) and reload this page.</p>
</body></html>
`;

/** Registers the SPA (or the "not built" page while `distDir` has no `index.html`). */
export function registerWebApp(app: FastifyInstance, distDir: string): void {
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  const assetsDir = join(root, 'assets') + sep;
  const rootExists = existsSync(root);
  if (rootExists) {
    app.register(fastifyStatic, {
      root,
      // No routes of its own: the handler below decides what is a file and what is the app.
      serve: false,
      cacheControl: false,
      setHeaders(res, path) {
        res.setHeader('cache-control', path.startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const page = async function webApp(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/v1/') || path === '/v1' || path.startsWith('/api/') || path === '/api') {
      throw new GatewayError(404, 'not_found', `Unknown route: ${request.method} ${path}`);
    }
    const built = rootExists && existsSync(index);
    if (looksLikeFile(path)) {
      if (!built) throw new GatewayError(404, 'not_found', `Unknown route: ${request.method} ${path}`);
      // A missing file (or a path escaping the root, or a dotfile) ends in the app's JSON 404.
      return reply.sendFile(decodePath(path).slice(1));
    }
    if (!built) return reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.sendFile('index.html');
  };
  app.get('/', page);
  app.get('/*', page);
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch (error) {
    throw new GatewayError(404, 'not_found', 'Malformed path.', { cause: error });
  }
}

/** A last path segment with a dot (`/assets/x.js`, `/favicon.ico`) names a file, never a client-side route. */
function looksLikeFile(path: string): boolean {
  return /\.[A-Za-z0-9]+$/.test(path.slice(path.lastIndexOf('/') + 1));
}
