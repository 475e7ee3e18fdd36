/**
 * @module `originalpoint usage`: this month's requests, tokens and cost of an account or one of its keys (or one end
 * user, as requests named it), and the same per end user.
 */
import type { Command } from 'commander';
import { createAccountsService } from '../auth/index.js';
import { monthBounds, readMonthlyUsage, readMonthlyUsageByEndUser } from '../metering/index.js';
import { findApiKeyById, type UsageTotals } from '../store/index.js';
import { flagOption, formatTable, printJson, printLines, storeAction, stringOption, type OpenStore } from './store-command.js';

/** Ledger costs are exact to a billionth of a dollar; rounding there hides float noise from summing. */
const NANOS_PER_USD = 1e9;

/**
 * Adds `usage --email E [--key ID] [--user U] [--json]`: totals of the current UTC month, BYOK requests included.
 * JSON has exactly `requests`, `prompt_tokens`, `completion_tokens`, `cost_usd` and `by_user` (the costliest end
 * users, at most 100: `{user, requests, tokens, cost_usd}` each).
 * @param now the clock, for tests; defaults to `Date.now`.
 */
export function registerUsageCommand(program: Command, openStore: OpenStore, now: () => number = Date.now): Command {
  return program
    .command('usage')
    .description("this month's (UTC) requests, tokens and cost of an account, or of one of its keys")
    .requiredOption('--email <email>', 'email of the account')
    .option('--key <id>', 'only this key (key_…) of the account')
    .option('--user <id>', 'only the requests naming this end user (`user`, `safety_identifier`, `metadata.user_id`)')
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
        const endUser = stringOption(options, 'user');
        const query = { accountId: account.id, keyId, nowMs: now(), ...(endUser === undefined ? {} : { endUser }) };
        const totals = await readMonthlyUsage(store.db, query);
        const byUser = await readMonthlyUsageByEndUser(store.db, query);
        const costUsd = roundUsd(totals.costUsd);
        if (flagOption(options, 'json')) {
          printJson(command, {
            requests: totals.requests,
            prompt_tokens: totals.promptTokens,
            completion_tokens: totals.completionTokens,
            cost_usd: costUsd,
            by_user: byUser.map((row) => ({ user: row.endUser, requests: row.requests, tokens: row.tokens, cost_usd: roundUsd(row.costUsd) })),
          });
        } else {
          const month = monthBounds(query.nowMs).startIso.slice(0, 7);
          const scope = [account.email, keyId === undefined ? '' : `key ${keyId}`, endUser === undefined ? '' : `end user ${endUser}`]
            .filter(Boolean)
            .join(', ');
          const perUser = byUser.map((row) => [row.endUser, String(row.requests), String(row.tokens), formatUsd(roundUsd(row.costUsd))]);
          const users = perUser.length === 0 ? [] : ['', 'By end user', ...formatTable([['USER', 'REQUESTS', 'TOKENS', 'COST (USD)'], ...perUser])];
          printLines(command, `Usage of ${scope} in ${month} (UTC)`, ...usageTable({ ...totals, costUsd }), ...users);
        }
      }),
    );
}

function roundUsd(usd: number): number {
  return Math.round(usd * NANOS_PER_USD) / NANOS_PER_USD;
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
