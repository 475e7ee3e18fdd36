/** @module `GET /api/models` (the catalog, as `/v1/models` shows it, for a signed-in user) and the public `GET /api/status`. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toModelObject } from '../models.js';
import type { DashboardContext } from './context.js';
import { ModelList, StatusAnswer } from './schemas.js';

/** Registers the catalog and status routes on the `/api` instance. */
export function registerCatalogRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  const models: Static<typeof ModelList> = { object: 'list', data: ctx.models.map(toModelObject) };
  api.get('/models', { schema: { response: { 200: ModelList } } }, async () => models);
  api.get('/status', { schema: { response: { 200: StatusAnswer } }, config: { dashboardPublic: true } }, async () => ctx.status());
}
