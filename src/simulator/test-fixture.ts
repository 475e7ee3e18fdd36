/**
 * @module The simulator a test file shares: {@link useSimulator} starts one before the file's tests, resets its
 * knobs before each and closes it after, so a wire-format test file states only which endpoint it calls.
 */
import { after, before, beforeEach } from 'node:test';
import { type Simulator, type SimulatorOptions, startSimulator } from './index.js';

/** The running simulator of a test file and the endpoint its tests call. */
export interface SimulatorFixture {
  readonly sim: Simulator;
  /** The simulator's URL followed by the path given to {@link useSimulator}. */
  readonly endpoint: string;
}

/** Registers the hooks that run one simulator for the calling test file (default: 8 output tokens a reply). */
export function useSimulator(path: string, options: SimulatorOptions = { defaults: { outputTokens: 8 } }): SimulatorFixture {
  let running: Simulator | undefined;
  before(async () => {
    running = await startSimulator(options);
  });
  after(() => running?.close());
  beforeEach(() => running?.resetKnobs());
  const sim = (): Simulator => {
    if (running === undefined) throw new Error('The simulator starts before the first test: use it inside a test.');
    return running;
  };
  return {
    get sim() {
      return sim();
    },
    get endpoint() {
      return `${sim().url}${path}`;
    },
  };
}
