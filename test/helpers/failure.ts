/** A call that must fail: resolves to the error it threw (typed as the client's exception), and
 * fails the test when the call succeeded. */
import assert from 'node:assert/strict';

export async function expectFailure<E extends Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  assert.fail('the call succeeded');
}
