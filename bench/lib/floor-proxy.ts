/**
 * The floor: the least an OpenAI-compatible proxy on this stack can do — Fastify (no logger, no hooks, no schema)
 * and an undici Pool, parsing the request, forwarding it, parsing the answer and sending it back; streams are piped
 * through untouched. No auth, limits, routing, translation or metering. The benchmark runs it next to the gateway so
 * the gateway's cost can be read against what the platform itself costs on the same machine in the same run.
 *
 * Run: node --import tsx bench/lib/floor-proxy.ts <port> <upstream origin>   (prints "floor listening")
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const [port, upstream] = process.argv.slice(2);
if (port === undefined || upstream === undefined) throw new Error('usage: floor-proxy.ts <port> <upstream origin>');
const pool = new Pool(upstream, { connections: 128 });
const app = Fastify({ logger: false });

app.post('/v1/chat/completions', async (request, reply) => {
  const body = request.body as Record<string, unknown>;
  const response = await pool.request({
    path: '/openai/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sim' },
    body: JSON.stringify(body),
  });
  if (body.stream === true) return reply.type('text/event-stream').send(response.body);
  return JSON.parse(await response.body.text()) as unknown;
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
// A clean exit on SIGTERM, so `node --cpu-prof` (bench/profile.ts) writes its profile.
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
console.log('floor listening');
