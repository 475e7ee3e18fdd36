/** The benchmarks' tenant: created through the CLI in a gateway's store before the gateway starts. */
import { execFileSync } from 'node:child_process';

/**
 * Creates an enterprise account whose limits cannot bind, and a key for it, by running the CLI (`cli`: the node
 * arguments that start it) with `storeEnv` (`OP_DATA_DIR`, or `OP_DATABASE_URL` for PostgreSQL); returns the key.
 */
export function createBenchKey(cli: readonly string[], storeEnv: Record<string, string>): string {
  const env = { ...process.env, ...storeEnv };
  const run = (args: string[]): string => execFileSync(process.execPath, [...cli, ...args], { env, encoding: 'utf8' });
  run([
    'accounts',
    'create',
    '--email',
    'bench@originalpoint.local',
    '--plan',
    'enterprise',
    '--rpm',
    '100000000',
    '--tpm',
    '100000000000',
    '--concurrent',
    '100000',
    '--included-tokens',
    '1000000000000',
  ]);
  const key = /op_[A-Za-z0-9]+/.exec(run(['keys', 'create', '--email', 'bench@originalpoint.local', '--name', 'bench']))?.[0];
  if (key === undefined) throw new Error('could not create the benchmark key');
  return key;
}
