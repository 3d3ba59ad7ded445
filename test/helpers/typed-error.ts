// Awaiting a promise that must fail with one of holdfast's typed errors.
import { expect } from 'vitest';
import { HoldfastError } from '../../src/errors.js';

/** The typed error a promise rejects with; fails the test when it resolves or throws anything else. */
export async function typedError(promise: Promise<unknown>): Promise<HoldfastError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HoldfastError);
    return error as HoldfastError;
  }
  throw new Error('expected a rejection');
}
