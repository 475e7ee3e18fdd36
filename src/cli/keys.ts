/**
 * @module `originalpoint keys …`: issue, list, change, revoke and rotate API keys from the command line, with their
 * governance: a budget per period, the models they may use, their own rpm/tpm, an expiry.
 */
import { Option, type Command } from 'commander';
import { createKeysService, type CreatedKey, type KeyInfo } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import type { ModelConfig } from '../config/types.js';
import type { ProviderPreferences } from '../core/chat-request.js';
import { checkAllowedModels, checkProviderPreferences, ProviderDirectory } from '../routing/index.js';
import { BUDGET_PERIODS, ROUTING_MODES } from '../store/index.js';
import {
  countOrNone,
  listOption,
  NONE,
  nullableNumberOption,
  nullableStringOption,
  parseModelListOrNone,
  parseProviderJsonOrNone,
  parseUsd,
  parseUsdOrNone,
  providerOption,
} from './option-parsers.js';
import {
  flagOption,
  formatTable,
  numberOption,
  printJson,
  printLines,
  requiredArg,
  storeAction,
  stringOption,
  type OpenStore,
} from './store-command.js';

const SHOWN_ONCE = 'Store this key now: it cannot be shown again.';
const CACHE_TTL_HELP = "seconds the key's answers are kept in the response cache by default (every request made with it is cached)";
const PROVIDER_HELP =
  'default provider preferences as OpenRouter\'s `provider` JSON, e.g. \'{"order":["groq"],"sort":"price"}\' (a request\'s own fields win)';

const MODELS_HELP = 'the models the key may use: catalog ids or patterns such as "claude-*", separated by commas';
const EXPIRES_HELP = 'when the key stops working, ISO-8601 with a time zone (e.g. 2026-12-31T23:59:59Z)';

/** The configured catalog (`--config`, OP_CONFIG), for checking `--provider` and `--models`. */
const configuredModels = (): readonly ModelConfig[] => loadConfig().models;

/**
 * Adds `keys create|list|update|revoke|rotate` to the program; returns `keys`.
 * - `keys create --email E [--name N] [--routing cost|latency|reliability] [--provider JSON] [--spend-cap-usd X]
 *   [--cache-ttl SECONDS] [governance] [--json]`
 * - `keys list --email E [--json]`
 * - `keys update ID [--name N] [--routing MODE|none] [--provider JSON|none] [--spend-cap-usd X|none]
 *   [--cache-ttl SECONDS|none] [governance] [--json]`
 * - `keys revoke ID [--json]`
 * - `keys rotate ID [--json]`
 *
 * where `[governance]` is `[--budget-usd X|none] [--budget-period daily|weekly|monthly] [--models a,b,claude-*|none]
 * [--rpm N|none] [--tpm N|none] [--expires-at ISO|none]` (`none` clears; on create it is the same as leaving it out).
 * @param catalog the models `--provider` and `--models` are checked against; defaults to the configured catalog.
 */
export function registerKeyCommands(program: Command, openStore: OpenStore, catalog: () => readonly ModelConfig[] = configuredModels): Command {
  const keys = program.command('keys').description('manage API keys');
  /** `--provider`'s value checked against the catalog: ids as it spells them, prices as numbers. */
  const checkedProvider = (options: Readonly<Record<string, unknown>>): ProviderPreferences | null | undefined => {
    const value = providerOption(options, 'provider');
    return value === undefined || value === null ? value : checkProviderPreferences(value, ProviderDirectory.of(catalog()));
  };
  /** The governance options, `--models` checked against the catalog (every entry must match a model). */
  const governance = (options: Readonly<Record<string, unknown>>) => {
    const models = listOption(options, 'models');
    return {
      budgetUsd: nullableNumberOption(options, 'budgetUsd'),
      budgetPeriod: stringOption(options, 'budgetPeriod'),
      allowedModels: models === undefined || models === null ? models : checkAllowedModels(models, catalog(), 'models'),
      rpmLimit: nullableNumberOption(options, 'rpm'),
      tpmLimit: nullableNumberOption(options, 'tpm'),
      expiresAt: nullableStringOption(options, 'expiresAt'),
    };
  };
  /** Adds the governance options to a command. */
  const withGovernance = (command: Command): Command =>
    command
      .option('--budget-usd <usd>', `budget of the key per period, in USD ("${NONE}": no budget)`, parseUsdOrNone)
      .addOption(
        new Option('--budget-period <period>', 'when the budget starts again (UTC; weeks on Monday); default monthly').choices(BUDGET_PERIODS),
      )
      .option('--models <list>', `${MODELS_HELP} ("${NONE}": every model)`, parseModelListOrNone)
      .option('--rpm <n>', `the key's own requests per minute ("${NONE}": the account's only)`, countOrNone(1))
      .option('--tpm <n>', `the key's own tokens per minute ("${NONE}": the account's only)`, countOrNone(1))
      .option('--expires-at <time>', `${EXPIRES_HELP} ("${NONE}": never)`);

  withGovernance(keys.command('create'))
    .description('issue a new API key (the secret is printed once)')
    .requiredOption('--email <email>', 'email of the account that owns the key')
    .option('--name <name>', 'a label for the key', 'default')
    .addOption(new Option('--routing <mode>', 'default routing for model "auto"').choices(ROUTING_MODES))
    .option('--provider <json>', PROVIDER_HELP, parseProviderJsonOrNone)
    .option('--spend-cap-usd <usd>', 'monthly spend cap for this key, in USD', parseUsd)
    .option('--cache-ttl <seconds>', CACHE_TTL_HELP, countOrNone(1))
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const key = await createKeysService({ db: store.db }).createKey({
          email: stringOption(options, 'email') ?? '',
          name: stringOption(options, 'name'),
          routing: stringOption(options, 'routing') ?? null,
          provider: checkedProvider(options) ?? null,
          spendCapUsd: numberOption(options, 'spendCapUsd') ?? null,
          responseCacheTtlSeconds: nullableNumberOption(options, 'cacheTtl') ?? null,
          ...governance(options),
        });
        if (flagOption(options, 'json')) {
          printJson(command, createdKeyJson(key));
        } else {
          printLines(command, `Created key ${key.id} "${key.name}"`, key.secret, SHOWN_ONCE);
        }
      }),
    );

  keys
    .command('list')
    .description("list an account's keys")
    .requiredOption('--email <email>', 'email of the account')
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const email = stringOption(options, 'email') ?? '';
        const list = await createKeysService({ db: store.db }).listKeys({ email });
        if (flagOption(options, 'json')) {
          printJson(command, list.map(keyJson));
        } else if (list.length === 0) {
          printLines(command, `No keys for ${email}.`);
        } else {
          const header = ['ID', 'NAME', 'LAST4', 'STATUS', 'ROUTING', 'BUDGET', 'MODELS', 'EXPIRES', 'CREATED'];
          const rows = list.map((key) => [
            key.id,
            key.name,
            key.last4,
            key.status,
            key.routing ?? '-',
            key.budgetUsd === null ? '-' : `${key.budgetUsd} ${key.budgetPeriod ?? 'monthly'}`,
            key.allowedModels?.join(',') ?? '*',
            key.expiresAt ?? '-',
            key.createdAt,
          ]);
          printLines(command, ...formatTable([header, ...rows]));
        }
      }),
    );

  withGovernance(keys.command('update'))
    .description("change a key's name, default routing, default provider preferences, spend cap or governance")
    .argument('<id>', 'key id (key_…)')
    .option('--name <name>', 'a new label')
    .addOption(new Option('--routing <mode>', `default routing for model "auto" ("${NONE}": the gateway's)`).choices([...ROUTING_MODES, NONE]))
    .option('--provider <json>', `${PROVIDER_HELP}; replaces the key's whole object ("${NONE}" clears it)`, parseProviderJsonOrNone)
    .option('--spend-cap-usd <usd>', `monthly spend cap for this key, in USD ("${NONE}": no cap)`, parseUsdOrNone)
    .option('--cache-ttl <seconds>', `${CACHE_TTL_HELP} ("${NONE}": none)`, countOrNone(1))
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, args, options }) => {
        const routing = stringOption(options, 'routing');
        const key = await createKeysService({ db: store.db }).updateKey(requiredArg(args, 0), {
          name: stringOption(options, 'name'),
          routing: routing === NONE ? null : routing,
          provider: checkedProvider(options),
          spendCapUsd: nullableNumberOption(options, 'spendCapUsd'),
          responseCacheTtlSeconds: nullableNumberOption(options, 'cacheTtl'),
          ...governance(options),
        });
        if (flagOption(options, 'json')) printJson(command, keyJson(key));
        else printLines(command, `Updated key ${key.id} "${key.name}"`);
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key; requests with it are refused from then on')
    .argument('<id>', 'key id (key_…)')
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, args, options }) => {
        const id = requiredArg(args, 0);
        const key = await createKeysService({ db: store.db }).revokeKey(id);
        if (flagOption(options, 'json')) {
          printJson(command, keyJson(key));
        } else {
          printLines(command, `Revoked key ${key.id} "${key.name}" at ${key.revokedAt ?? 'unknown time'}`);
        }
      }),
    );

  keys
    .command('rotate')
    .description('replace a key with a new secret and the same settings; the old key is revoked')
    .argument('<id>', 'key id (key_…)')
    .option('--json', 'print the result as JSON')
    .action(
      storeAction(openStore, async ({ store, command, args, options }) => {
        const key = await createKeysService({ db: store.db }).rotateKey(requiredArg(args, 0));
        if (flagOption(options, 'json')) {
          printJson(command, { ...createdKeyJson(key), rotatedFrom: key.rotatedFrom });
        } else {
          const summary = `Rotated key ${key.rotatedFrom ?? ''} into ${key.id} "${key.name}"`;
          printLines(command, summary, key.secret, SHOWN_ONCE);
        }
      }),
    );

  return keys;
}

/** A new key as the CLI's JSON shows it: its secret (shown once) and its settings. */
function createdKeyJson(key: CreatedKey): Record<string, unknown> {
  return { id: key.id, key: key.secret, name: key.name, last4: key.last4, ...keySettingsJson(key) };
}

/** A key as the CLI's JSON lists it: its status, settings and history. */
function keyJson(key: KeyInfo): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    last4: key.last4,
    status: key.status,
    ...keySettingsJson(key),
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
    rotatedFrom: key.rotatedFrom,
  };
}

/** What the CLI's JSON shows of every key, new or listed: its routing, caps, governance and creation time. */
function keySettingsJson(key: KeyInfo): Record<string, unknown> {
  return {
    routing: key.routing,
    provider: key.provider,
    spendCapUsd: key.spendCapUsd,
    responseCacheTtlSeconds: key.responseCacheTtlSeconds,
    budgetUsd: key.budgetUsd,
    budgetPeriod: key.budgetPeriod,
    allowedModels: key.allowedModels,
    rpmLimit: key.rpmLimit,
    tpmLimit: key.tpmLimit,
    expiresAt: key.expiresAt,
    createdAt: key.createdAt,
  };
}
