#!/usr/bin/env node
/**
 * @module The `originalpoint` command: serve, simulate, migrate, accounts, keys, usage, rotate-master-key.
 */
import { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openStore as openStoreAt } from '../store/index.js';
import { registerAccountCommands } from './accounts.js';
import { registerKeyCommands } from './keys.js';
import { registerMigrateCommand } from './migrate.js';
import { registerRotateMasterKeyCommand } from './rotate-master-key.js';
import { registerServeCommands } from './serve.js';
import { registerUsageCommand } from './usage.js';

const program = new Command('originalpoint')
  .description('OpenAI-compatible LLM gateway')
  .option('--config <file>', 'YAML config file (or OP_CONFIG); locates the data directory for store commands');

/**
 * The store the commands work on: PostgreSQL at `OP_DATABASE_URL` when it is set, else SQLite in the configured data
 * directory (`OP_DATA_DIR`, else the config's, else ./data).
 */
const openStore = async () =>
  openStoreAt({
    dataDir: loadConfig({ file: program.opts<{ config?: string }>().config }).dataDir,
    databaseUrl: process.env.OP_DATABASE_URL,
  });

/** Where the master key is: OP_MASTER_KEY, else `master.key` in the configured data directory. */
const locateMasterKey = () => {
  const config = loadConfig({ file: program.opts<{ config?: string }>().config });
  return { dataDir: config.dataDir, envValue: config.masterKey };
};

registerServeCommands(program);
registerMigrateCommand(program, openStore);
registerAccountCommands(program, openStore);
registerKeyCommands(program, openStore, () => loadConfig({ file: program.opts<{ config?: string }>().config }).models);
registerUsageCommand(program, openStore);
registerRotateMasterKeyCommand(program, openStore, locateMasterKey);

await program.parseAsync(process.argv);
