/** @module `originalpoint accounts …`: account administration from the command line. */
import { Option, type Command } from 'commander';
import { createAccountsService, type AccountInfo, type AccountLimitsInput } from '../auth/index.js';
import { PLANS } from '../store/index.js';
import { countOrNone, NONE, nullableNumberOption, parseUsdOrNone } from './option-parsers.js';
import { flagOption, printJson, printLines, storeAction, stringOption, type OpenStore } from './store-command.js';

const LIMITS_HELP = `"${NONE}" clears an override (the plan's limit applies) or the cap`;

/**
 * Adds `accounts create|set` to the program; returns `accounts`.
 * - `accounts create --email E [--password P] [--plan P] [limits] [--json]`
 * - `accounts set --email E [--plan P] [limits] [--json]`
 *
 * where `[limits]` is `[--rpm N] [--tpm N] [--concurrent N] [--included-tokens N] [--spend-cap-usd X]`.
 */
export function registerAccountCommands(program: Command, openStore: OpenStore): Command {
  const accounts = program.command('accounts').description('manage accounts');

  const create = accounts
    .command('create')
    .description('create an account')
    .requiredOption('--email <email>', 'the account email (unique)')
    .option('--password <password>', 'dashboard password (at least 8 characters); omit for API-key-only accounts')
    .addOption(new Option('--plan <plan>', 'the plan').choices(PLANS).default('free'));
  addLimitOptions(create)
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const account = await createAccountsService({ db: store.db }).createAccount({
          ...limitsInput(options),
          email: stringOption(options, 'email') ?? '',
          password: stringOption(options, 'password'),
        });
        if (flagOption(options, 'json')) {
          printJson(command, accountJson(account));
        } else {
          printLines(command, `Created account ${account.id} (${account.email}, plan ${account.plan})`);
        }
      }),
    );

  const set = accounts
    .command('set')
    .description(`change an account's plan, limits or spend cap (${LIMITS_HELP})`)
    .requiredOption('--email <email>', 'email of the account')
    .addOption(new Option('--plan <plan>', 'the plan').choices(PLANS));
  addLimitOptions(set)
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const input = limitsInput(options);
        if (Object.values(input).every((value) => value === undefined)) {
          throw new Error('nothing to change: give --plan, --rpm, --tpm, --concurrent, --included-tokens or --spend-cap-usd');
        }
        const email = stringOption(options, 'email') ?? '';
        const account = await createAccountsService({ db: store.db }).updateAccountLimits(email, input);
        if (flagOption(options, 'json')) {
          printJson(command, accountJson(account));
        } else {
          printLines(command, `Updated account ${account.id} (${account.email})`, ...describeLimits(account));
        }
      }),
    );

  return accounts;
}

function addLimitOptions(command: Command): Command {
  return command
    .option('--rpm <n>', `requests per minute (${NONE}: the plan's)`, countOrNone(1))
    .option('--tpm <n>', `tokens per minute (${NONE}: the plan's)`, countOrNone(1))
    .option('--concurrent <n>', `requests in flight at once (${NONE}: the plan's)`, countOrNone(1))
    .option('--included-tokens <n>', `tokens included per month (${NONE}: the plan's)`, countOrNone(0))
    .option('--spend-cap-usd <usd>', `monthly spend cap of the account in USD (${NONE}: no cap)`, parseUsdOrNone);
}

/** The limit options given, as service input; options not given stay undefined (unchanged). */
function limitsInput(options: Readonly<Record<string, unknown>>): AccountLimitsInput {
  return {
    plan: stringOption(options, 'plan'),
    rpm: nullableNumberOption(options, 'rpm'),
    tpm: nullableNumberOption(options, 'tpm'),
    concurrent: nullableNumberOption(options, 'concurrent'),
    includedTokens: nullableNumberOption(options, 'includedTokens'),
    monthlySpendCapUsd: nullableNumberOption(options, 'spendCapUsd'),
  };
}

function accountJson(account: AccountInfo): Record<string, unknown> {
  const { id, email, plan, limits, monthlySpendCapUsd, createdAt } = account;
  return { id, email, plan, limits, monthlySpendCapUsd, createdAt };
}

function describeLimits(account: AccountInfo): string[] {
  const limit = (value: number | null): string => (value === null ? `plan ${account.plan} default` : String(value));
  const cap = account.monthlySpendCapUsd;
  return [
    `plan: ${account.plan}`,
    `rpm: ${limit(account.limits.rpm)}`,
    `tpm: ${limit(account.limits.tpm)}`,
    `concurrent: ${limit(account.limits.concurrent)}`,
    `included tokens: ${limit(account.limits.includedTokens)}`,
    `monthly spend cap: ${cap === null ? 'none' : `${cap} USD`}`,
  ];
}
