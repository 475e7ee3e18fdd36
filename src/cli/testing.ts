/** @module Test support: run a command in-process against a data directory and capture what it prints. */
import { Command, CommanderError } from 'commander';
import { createStore } from '../store/index.js';
import type { OpenStore } from './store-command.js';

/** What a command printed and the exit code it asked for. */
export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Registers commands on a fresh program with captured output and `exitOverride`, then parses `args`. */
export async function runCli(register: (program: Command, openStore: OpenStore) => unknown, dataDir: string, args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const program = new Command('originalpoint').exitOverride().configureOutput({
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: (text) => {
      stderr += text;
    },
  });
  register(program, async () => createStore({ dataDir }));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout, stderr, exitCode: 0 };
  } catch (error) {
    if (error instanceof CommanderError) return { stdout, stderr, exitCode: error.exitCode };
    throw error;
  }
}

/** Parses printed JSON that must be an object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`not a JSON object: ${text}`);
  }
  return Object.fromEntries(Object.entries(value));
}

/** Parses printed JSON that must be an array of objects. */
export function parseJsonObjects(text: string): Record<string, unknown>[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`not a JSON array: ${text}`);
  return value.map((item: unknown) => parseJsonObject(JSON.stringify(item)));
}
