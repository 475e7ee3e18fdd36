import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import Fastify from 'fastify';
import { lazyChildLoggers } from './lazy-logger.js';

/** An app logging JSON lines into `lines`, with the lazy factory, counting the real children pino makes. */
function appWithLog(lines: string[]): { app: ReturnType<typeof Fastify>; children: () => number } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const app = Fastify({ logger: { level: 'warn', stream }, disableRequestLogging: true });
  let made = 0;
  const child = app.log.child.bind(app.log);
  app.log.child = (...args: Parameters<typeof child>) => {
    made += 1;
    return child(...args);
  };
  lazyChildLoggers(app);
  app.get('/quiet', async () => 'ok');
  app.get('/loud', async (request) => {
    request.log.warn({ detail: 42 }, 'something %s', 'odd');
    return 'ok';
  });
  return { app, children: () => made };
}

it('makes no child logger for a request that does not log', async () => {
  const lines: string[] = [];
  const { app, children } = appWithLog(lines);
  for (let i = 0; i < 3; i += 1) assert.equal((await app.inject('/quiet')).statusCode, 200);
  assert.equal(children(), 0);
  assert.deepEqual(lines, []);
  await app.close();
});

it("writes a request's log line as a child would: its request id, its fields and its formatted message", async () => {
  const lines: string[] = [];
  const { app, children } = appWithLog(lines);
  const response = await app.inject('/loud');
  assert.equal(response.statusCode, 200);
  assert.equal(children(), 1);
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.match(String(line.reqId), /^req-/);
  assert.equal(line.detail, 42);
  assert.equal(line.msg, 'something odd');
  assert.equal(line.level, 40);
  await app.close();
});
