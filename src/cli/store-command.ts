/**
 * @module Plumbing shared by the commands that work on the database (`accounts`, `keys`, `migrate`): opening and
 * closing the store around an action, reading options without `any`, printing, and reporting errors the
 * commander way (`command.error`: message on stderr, exit code 1, no stack trace; `exitOverride` applies).
 */
import type { Command } from 'commander';
import { migrateToLatest, type Store } from '../store/index.js';

/** Opens the store the CLI was pointed at (data directory from OP_DATA_DIR or the config). */
export type OpenStore = () => Promise<Store>;

/** What an action gets: the open store, the command, its positional arguments and its options. */
export interface StoreActionContext {
  store: Store;
  command: Command;
  args: readonly string[];
  options: Readonly<Record<string, unknown>>;
}

/** How an action treats the schema before it runs. */
export interface StoreActionOptions {
  /** Apply pending migrations first (default true), so a fresh data directory just works. */
  migrate?: boolean;
}

/**
 * Wraps an action: opens the store, optionally migrates, runs the handler, always closes the store, and turns any
 * error into `error: <message>` on stderr with exit code 1.
 */
export function storeAction(
  openStore: OpenStore,
  handler: (context: StoreActionContext) => Promise<void>,
  actionOptions: StoreActionOptions = {},
): (this: Command) => Promise<void> {
  return async function runStoreAction(this: Command): Promise<void> {
    const command = this;
    let failure: unknown;
    try {
      const store = await openStore();
      try {
        if (actionOptions.migrate !== false) await migrateToLatest(store.db);
        const options: Record<string, unknown> = command.opts();
        await handler({ store, command, args: command.args, options });
      } finally {
        await store.close();
      }
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) {
      const message = failure instanceof Error ? failure.message : String(failure);
      command.error(`error: ${message}`, { exitCode: 1, code: 'originalpoint.command_failed' });
    }
  };
}

/** A string option's value, or undefined when it was not given. */
export function stringOption(options: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A number option's value (parsed by the option's own parser), or undefined when it was not given. */
export function numberOption(options: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = options[name];
  return typeof value === 'number' ? value : undefined;
}

/** Whether a boolean flag was given. */
export function flagOption(options: Readonly<Record<string, unknown>>, name: string): boolean {
  return options[name] === true;
}

/** A positional argument commander has already checked is present. */
export function requiredArg(args: readonly string[], index: number): string {
  const value = args[index];
  if (value === undefined) throw new Error(`missing argument ${index + 1}`);
  return value;
}

/** Writes lines to the command's stdout (commander's `writeOut`, so tests and embedders can capture it). */
export function printLines(command: Command, ...lines: string[]): void {
  const write = command.configureOutput().writeOut ?? ((text: string): void => void process.stdout.write(text));
  write(`${lines.join('\n')}\n`);
}

/** Writes a value as pretty-printed JSON to the command's stdout. */
export function printJson(command: Command, value: unknown): void {
  printLines(command, JSON.stringify(value, null, 2));
}

/** Lays rows out in left-aligned columns separated by two spaces. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
}
