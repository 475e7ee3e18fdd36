/**
 * @module `originalpoint serve` and `originalpoint simulate`.
 */
import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import { startGateway } from '../server/index.js';
import { startSimulator } from '../simulator/index.js';

interface ServeFlags {
  config?: string;
  port?: string;
  host?: string;
  simulate?: boolean;
}

/** Registers `serve` and `simulate`. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the gateway (migrates the database first)')
    .option('--port <port>', 'port to listen on (or OP_PORT / PORT; default 8080)')
    .option('--host <host>', 'address to bind (or OP_HOST; default 0.0.0.0)')
    .option('--simulate', 'serve providers that have no API key from the built-in simulator, and seed a demo account and key')
    .action(async (_options: ServeFlags, command: Command) => {
      const flags = command.optsWithGlobals<ServeFlags>();
      const env = { ...process.env };
      if (flags.port !== undefined) env.OP_PORT = flags.port;
      if (flags.host !== undefined) env.OP_HOST = flags.host;
      const config = loadConfig({ file: flags.config, env });
      const simulate = flags.simulate === true;
      // The demo account and its key are for trying the gateway out (`npm start`); a production start creates none.
      // Logs go to stdout asynchronously: a slow pipe or terminal must not stall the event loop (pino flushes on exit).
      const logger = { level: process.env.OP_LOG_LEVEL ?? 'info', stream: pino.destination({ dest: 1, sync: false }) };
      const running = await startGateway({ config, simulate, logger, seedDemo: simulate });
      const lines = [`OriginalPoint gateway listening on ${running.url}  (OpenAI base URL: ${running.url}/v1)`];
      if (running.simulated.length > 0) lines.push(`Simulated providers (no API key configured): ${running.simulated.join(', ')}`);
      if (running.demoKey !== undefined) lines.push(`Demo API key: ${running.demoKey}  (also in ${config.dataDir}/demo-key.txt)`);
      process.stdout.write(`${lines.join('\n')}\n`);
      onShutdown(() => running.close());
    });

  program
    .command('simulate')
    .description('run only the provider simulator (OpenAI, Anthropic and Gemini wire formats)')
    .option('--port <port>', 'port to listen on', '8090')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (flags: { port: string; host: string }) => {
      const simulator = await startSimulator({ host: flags.host, port: Number(flags.port) });
      process.stdout.write(`Provider simulator listening on ${simulator.url}\n`);
      onShutdown(() => simulator.close());
    });
}

/** Stops cleanly on SIGTERM/SIGINT; a second signal exits at once. */
function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = (): void => {
    if (closing) process.exit(1);
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
