/** @module `originalpoint usage`: this month's requests, tokens and cost of an account or one of its keys. */
import type { Command } from 'commander';
import { createAccountsService } from '../auth/index.js';
import { monthBounds, readMonthlyUsage } from '../metering/ledger.js';
import { findApiKeyById, type UsageTotals } from '../store/index.js';
import { flagOption, formatTable, printJson, printLines, storeAction, stringOption, type OpenStore } from './store-command.js';

/** Ledger costs are exact to a billionth of a dollar; rounding there hides float noise from summing. */
const NANOS_PER_USD = 1e9;

/**
 * Adds `usage --email E [--key ID] [--json]`: totals of the current UTC month, BYOK requests included. JSON has
 * exactly `requests`, `prompt_tokens`, `completion_tokens` and `cost_usd`.
 * @param now the clock, for tests; defaults to `Date.now`.
 */
export function registerUsageCommand(program: Command, openStore: OpenStore, now: () => number = Date.now): Command {
  return program
    .command('usage')
    .description("this month's (UTC) requests, tokens and cost of an account, or of one of its keys")
    .requiredOption('--email <email>', 'email of the account')
    .option('--key <id>', 'only this key (key_…) of the account')
    .option('--json', 'print the totals as JSON')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const email = stringOption(options, 'email') ?? '';
        const keyId = stringOption(options, 'key');
        const account = await createAccountsService({ db: store.db }).findAccountByEmail(email);
        if (account === undefined) throw new Error(`no account with email ${email.trim().toLowerCase()}`);
        if (keyId !== undefined && (await findApiKeyById(store.db, keyId))?.accountId !== account.id) {
          throw new Error(`no key with id ${keyId} on account ${account.email}`);
        }
        const nowMs = now();
        const totals = await readMonthlyUsage(store.db, { accountId: account.id, keyId, nowMs });
        const costUsd = Math.round(totals.costUsd * NANOS_PER_USD) / NANOS_PER_USD;
        if (flagOption(options, 'json')) {
          printJson(command, {
            requests: totals.requests,
            prompt_tokens: totals.promptTokens,
            completion_tokens: totals.completionTokens,
            cost_usd: costUsd,
          });
        } else {
          const month = monthBounds(nowMs).startIso.slice(0, 7);
          const scope = keyId === undefined ? account.email : `${account.email}, key ${keyId}`;
          printLines(command, `Usage of ${scope} in ${month} (UTC)`, ...usageTable({ ...totals, costUsd }));
        }
      }),
    );
}

function usageTable(totals: UsageTotals): string[] {
  return formatTable([
    ['requests', String(totals.requests)],
    ['prompt tokens', String(totals.promptTokens)],
    ['completion tokens', String(totals.completionTokens)],
    ['cost (USD)', formatUsd(totals.costUsd)],
  ]);
}

/** `0.00`, `1.50`, `0.000000123`: two decimals, more (up to nine) when the amount needs them; never exponents. */
function formatUsd(usd: number): string {
  const trimmed = usd.toFixed(9).replace(/0+$/, '');
  const decimals = trimmed.length - trimmed.indexOf('.') - 1;
  return decimals < 2 ? usd.toFixed(2) : trimmed;
}
