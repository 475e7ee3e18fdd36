/** @module `originalpoint accounts …`: account administration from the command line. */
import { Option, type Command } from 'commander';
import { createAccountsService } from '../auth/index.js';
import { PLANS } from '../store/index.js';
import { flagOption, printJson, printLines, storeAction, stringOption, type OpenStore } from './store-command.js';

/** Adds `accounts create --email E [--password P] [--plan free|pro|enterprise] [--json]`; returns `accounts`. */
export function registerAccountCommands(program: Command, openStore: OpenStore): Command {
  const accounts = program.command('accounts').description('manage accounts');

  accounts
    .command('create')
    .description('create an account')
    .requiredOption('--email <email>', 'the account email (unique)')
    .option('--password <password>', 'dashboard password (at least 8 characters); omit for API-key-only accounts')
    .addOption(new Option('--plan <plan>', 'the plan').choices(PLANS).default('free'))
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const account = await createAccountsService({ db: store.db }).createAccount({
          email: stringOption(options, 'email') ?? '',
          password: stringOption(options, 'password'),
          plan: stringOption(options, 'plan'),
        });
        if (flagOption(options, 'json')) {
          const { id, email, plan, createdAt } = account;
          printJson(command, { id, email, plan, createdAt });
        } else {
          printLines(command, `Created account ${account.id} (${account.email}, plan ${account.plan})`);
        }
      }),
    );

  return accounts;
}
