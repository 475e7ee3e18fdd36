/**
 * @module Model aliases: other names a request may give for a catalog model, on every door. The built-in ones are
 * Anthropic's own ids for the catalog's Claude models (`claude-sonnet-4-5`, `claude-sonnet-4-5-20250929`, …),
 * which Claude Code and the Anthropic SDKs send; an operator adds more under `modelAliases` in the config file.
 *
 * An alias never shadows a catalog id or `auto`, and always names a catalog model. A built-in alias that no longer
 * fits (the operator replaced `models`: its model is gone, or a model now has its name as id) is left out; an alias
 * the operator wrote that does not fit is a configuration error, since it is surely a mistake.
 */
import { ConfigError } from './config-error.js';
import type { ModelConfig } from './types.js';

/** The model id that asks for smart routing (see `routing/router.ts`), never an alias. */
const AUTO_MODEL = 'auto';

/**
 * Checks the merged `modelAliases` against the catalog and returns the usable ones.
 * @param aliases the merged section (built-in defaults plus the operator's file)
 * @param ownNames the alias names the operator's file gave (their mistakes are errors, not silently dropped)
 */
export function toModelAliases(
  aliases: Readonly<Record<string, string>>,
  ownNames: ReadonlySet<string>,
  models: readonly ModelConfig[],
): Record<string, string> {
  const ids = new Set(models.map((model) => model.id));
  const usable: Record<string, string> = {};
  for (const [name, target] of Object.entries(aliases)) {
    const problem =
      name === AUTO_MODEL || ids.has(name)
        ? `"${name}" is a catalog model id or "auto", which an alias cannot take`
        : ids.has(target)
          ? undefined
          : `names unknown model "${target}"`;
    if (problem === undefined) usable[name] = target;
    else if (ownNames.has(name)) throw new ConfigError(`Invalid config at /modelAliases/${name}: ${problem}`);
  }
  return usable;
}
