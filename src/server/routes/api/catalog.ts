/** @module `GET /api/models` (the catalog, as `/v1/models` shows it, for a signed-in user) and the public `GET /api/status`. */
import type { FastifyInstance } from 'fastify';
import { toModelObject } from '../models.js';
import type { DashboardContext } from './context.js';

/** Registers the catalog and status routes on the `/api` instance. */
export function registerCatalogRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  const models = { object: 'list' as const, data: ctx.models.map(toModelObject) };
  api.get('/models', async () => models);
  api.get('/status', { config: { dashboardPublic: true } }, async () => ctx.status());
}
