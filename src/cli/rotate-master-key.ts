/**
 * @module `originalpoint rotate-master-key`: re-encrypts every stored provider credential under a new master key,
 * in one transaction.
 *
 * With a key file, the new key is first written to `master.key.new`, the rows are re-encrypted, then the file is
 * renamed over `master.key` (atomic). If the process dies between the commit and the rename, running the command
 * again notices that the rows already use `master.key.new` and completes the rename. With `OP_MASTER_KEY`, the new
 * key is printed (unless given with `--new-key`) for the operator to put in place of the old one.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  encodeMasterKey,
  generateMasterKey,
  MASTER_KEY_FILE,
  parseMasterKey,
  readMasterKeyFile,
  resealAllCredentials,
  SecretCipher,
  writeMasterKeyFile,
} from '../auth/index.js';
import { listAllProviderCredentials, type Store } from '../store/index.js';
import { printLines, storeAction, stringOption, type OpenStore } from './store-command.js';

/** Where the current master key is: `OP_MASTER_KEY`'s value if set, else the key file in the data directory. */
export interface MasterKeyLocation {
  dataDir: string;
  envValue: string | undefined;
}

const RESTART_NOTE = 'Restart every running gateway now: until then they keep sealing new provider keys with the old master key.';

/** Adds `rotate-master-key [--new-key <key>]` to the program; returns the new command. */
export function registerRotateMasterKeyCommand(program: Command, openStore: OpenStore, locate: () => MasterKeyLocation): Command {
  return program
    .command('rotate-master-key')
    .description('re-encrypt every stored provider key (BYOK) under a new master key')
    .option('--new-key <key>', 'the new master key (32 bytes, base64 or hex); default: a fresh random key')
    .action(
      storeAction(openStore, async ({ store, command, options }) => {
        const given = stringOption(options, 'newKey');
        const next = given === undefined ? generateMasterKey() : parseMasterKey(given, '--new-key');
        const location = locate();
        const lines =
          location.envValue !== undefined && location.envValue !== ''
            ? await rotateEnvKey(store, location.envValue, next, given === undefined)
            : await rotateKeyFile(store, join(location.dataDir, MASTER_KEY_FILE), next);
        printLines(command, ...lines);
      }),
    );
}

async function rotateEnvKey(store: Store, envValue: string, next: Buffer, printKey: boolean): Promise<string[]> {
  const count = await resealAllCredentials(store.db, new SecretCipher(parseMasterKey(envValue, 'OP_MASTER_KEY')), new SecretCipher(next));
  const lines = [`Re-encrypted ${count} provider key(s). The old OP_MASTER_KEY no longer decrypts them.`];
  lines.push(
    printKey ? `Set OP_MASTER_KEY to the new key before restarting: ${encodeMasterKey(next)}` : 'Set OP_MASTER_KEY to the new key before restarting.',
  );
  return [...lines, RESTART_NOTE];
}

async function rotateKeyFile(store: Store, file: string, next: Buffer): Promise<string[]> {
  const pending = `${file}.new`;
  const finished = await finishInterruptedRotation(store, file, pending);
  if (finished !== undefined) return finished;
  const current = readMasterKeyFile(file);
  const rows = await listAllProviderCredentials(store.db);
  if (current === undefined && rows.length > 0) {
    throw new Error(`${file} is missing, so the ${rows.length} stored provider key(s) cannot be decrypted`);
  }
  writeMasterKeyFile(pending, next, 'wx');
  try {
    const count = current === undefined ? 0 : await resealAllCredentials(store.db, new SecretCipher(current), new SecretCipher(next));
    renameSync(pending, file);
    return [`Re-encrypted ${count} provider key(s). The new master key is in ${file}; the old one is gone.`, RESTART_NOTE];
  } catch (error) {
    rmSync(pending, { force: true });
    throw error;
  }
}

/**
 * A `master.key.new` left by an interrupted run: if the stored rows already use it, the rotation committed and only
 * the rename is missing, so do it; otherwise it never took effect and is deleted. Undefined when there is none.
 */
async function finishInterruptedRotation(store: Store, file: string, pending: string): Promise<string[] | undefined> {
  if (!existsSync(pending)) return undefined;
  const key = readMasterKeyFile(pending);
  const rows = await listAllProviderCredentials(store.db);
  if (key !== undefined && rows.length > 0 && rows.every((row) => row.keyFingerprint === new SecretCipher(key).fingerprint)) {
    renameSync(pending, file);
    return [`Completed an interrupted rotation: ${rows.length} provider key(s) use the new master key in ${file}.`, RESTART_NOTE];
  }
  rmSync(pending, { force: true });
  return undefined;
}
