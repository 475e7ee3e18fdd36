// The second leg of `npm test`: the whole integration suite again, with every gateway on PostgreSQL + Redis
// (OP_TEST_SHARED=1 gives each one its own schema and key prefix). Without the services it says so in one line and
// skips, except under CI=true, where a missing service fails the run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';

const services = [
  ['postgres', new URL(process.env.OP_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test')],
  ['redis', new URL(process.env.OP_TEST_REDIS_URL || 'redis://127.0.0.1:6379')],
];

function reachable(url) {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

const missing = [];
for (const [name, url] of services) if (!(await reachable(url))) missing.push(`${name} at ${url.host}`);
if (missing.length > 0) {
  const message = `shared-backend integration leg skipped: ${missing.join(' and ')} not reachable`;
  if (process.env.CI === 'true') {
    console.error(`${message} (CI=true requires them)`);
    process.exit(1);
  }
  console.log(message);
  process.exit(0);
}

const files = readdirSync('test/integration')
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => `test/integration/${f}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, OP_TEST_SHARED: '1' },
});
process.exit(result.status ?? 1);
