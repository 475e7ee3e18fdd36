/**
 * @module Shared setup of the limiter contract suite: a settable clock, a fresh backend and fresh account/key ids
 * per test (random, so a shared Redis needs no cleanup between tests), and request builders.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { beforeEach } from 'node:test';
import type { AdmitRequest, AdmitResult, LimiterBackend, Reservation, SpendRequest } from '../types.js';

/** Builds the backend under test on the given clock (ms). */
export type MakeBackend = (now: () => number) => LimiterBackend | Promise<LimiterBackend>;

/** 2026-05-10T12:00:00Z: mid-month, so window tests never cross a month boundary. */
export const T0 = Date.UTC(2026, 4, 10, 12, 0, 0);

/** One nano-dollar unit per USD. */
export const USD = 1e9;

/** The per-test world. */
export interface ContractContext {
  readonly backend: LimiterBackend;
  /** The clock; tests set `clock.t`. */
  readonly clock: { t: number };
  readonly accountId: string;
  readonly keyId: string;
  /** A request of 10 tokens, generous limits and no spend, with `overrides` applied. */
  request(overrides?: Partial<AdmitRequest>): AdmitRequest;
  /** A spend part with no caps and ample included tokens, with `overrides` applied. */
  spend(overrides?: Partial<SpendRequest>): SpendRequest;
  /** Admits and asserts it was admitted. */
  admitOk(overrides?: Partial<AdmitRequest>): Promise<Reservation>;
  /** Admits and asserts it was rejected. */
  admitRejected(overrides?: Partial<AdmitRequest>): Promise<Extract<AdmitResult, { ok: false }>>;
}

/** Registers a `beforeEach` that builds a fresh context; the returned getter gives the current one. */
export function useContractContext(makeBackend: MakeBackend): () => ContractContext {
  let current: ContractContext | undefined;
  beforeEach(async () => {
    const clock = { t: T0 };
    const backend = await makeBackend(() => clock.t);
    current = buildContext(backend, clock);
  });
  return () => {
    assert.ok(current, 'context used outside a test');
    return current;
  };
}

function buildContext(backend: LimiterBackend, clock: { t: number }): ContractContext {
  const accountId = `acct_${randomUUID()}`;
  const keyId = `key_${randomUUID()}`;
  const request = (overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    id: randomUUID(),
    accountId,
    keyId,
    rpm: 60,
    tpm: 1_000_000,
    concurrent: 1000,
    slots: 1,
    tokens: 10,
    spend: null,
    leaseTtlMs: 600_000,
    ...overrides,
  });
  const spend = (overrides: Partial<SpendRequest> = {}): SpendRequest => ({
    costNanoUsd: 0,
    keyCapNanoUsd: null,
    accountCapNanoUsd: null,
    includedTokens: 1_000_000_000,
    ...overrides,
  });
  const admitOk = async (overrides: Partial<AdmitRequest> = {}): Promise<Reservation> => {
    const result = await backend.admit(request(overrides));
    assert.ok(result.ok, `expected admission, got ${JSON.stringify(result)}`);
    return result.reservation;
  };
  const admitRejected = async (overrides: Partial<AdmitRequest> = {}): Promise<Extract<AdmitResult, { ok: false }>> => {
    const result = await backend.admit(request(overrides));
    assert.ok(!result.ok, 'expected a rejection');
    return result;
  };
  return { backend, clock, accountId, keyId, request, spend, admitOk, admitRejected };
}
