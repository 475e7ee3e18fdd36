/** @module `originalpoint migrate`: bring the database schema up to date. */
import type { Command } from 'commander';
import { migrateToLatest } from '../store/index.js';
import { flagOption, printJson, printLines, storeAction, type OpenStore } from './store-command.js';

/** Adds `migrate [--json]` to the program; returns the new command. */
export function registerMigrateCommand(program: Command, openStore: OpenStore): Command {
  return program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(
        openStore,
        async ({ store, command, options }) => {
          const report = await migrateToLatest(store.db);
          if (flagOption(options, 'json')) {
            printJson(command, report);
          } else if (report.applied.length === 0) {
            printLines(command, 'Database schema is up to date.');
          } else {
            printLines(command, ...report.applied.map((name) => `Applied migration ${name}`));
          }
        },
        { migrate: false },
      ),
    );
}
