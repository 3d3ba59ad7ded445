// A credentials failure is a configuration problem, not a decline: Kushki's K004 from the loopback
// simulator on a first authorize is GATEWAY_MISCONFIGURED naming the variables to check, nothing is
// authorized, and the same idempotency key authorizes once the credentials are fixed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('a credentials failure on a first authorize (Kushki K004, real HTTP)', () => {
  let sim: Simulator;
  const temp = tempDir();
  beforeAll(async () => {
    sim = await startSimulator({ kushkiPrivateMerchantId: 'pmid-good-0001' });
  });
  afterAll(async () => {
    await sim.close();
    temp.cleanup();
  });

  it('is GATEWAY_MISCONFIGURED telling the user to check KUSHKI_PRIVATE_MERCHANT_ID; the key stays reusable', async () => {
    const cli = (merchantId: string, ...args: string[]) =>
      runCliInProcess(args, { cwd: temp.dir, env: { KUSHKI_PRIVATE_MERCHANT_ID: merchantId, KUSHKI_BASE_URL: sim.url } });
    const authorize = ['authorize', '--gateway', 'kushki', '--amount', '70.00', '--currency', 'PEN', '--subscription-id', 'sub-approved', '--idempotency-key', 'order-7-auth'];

    const refused = await cli('pmid-WRONG-9999', '--json', ...authorize, '--create-db');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('GATEWAY_MISCONFIGURED');
    expect(refused.stderr).toMatch(/^holdfast: authorize of hold hold_[0-9a-f]{20} was not sent: the gateway refused holdfast's credentials or merchant set-up: K004 /);
    expect(refused.stderr).toContain('check the kushki credentials (KUSHKI_PRIVATE_MERCHANT_ID, KUSHKI_BASE_URL)');
    expect(refused.stderr).not.toMatch(/declined|pmid-WRONG/);
    expect(sim.ledger.snapshot().authorizations).toHaveLength(0);

    // What an operator sees: the amount asked for, and that it was never sent.
    const holds = JSON.parse((await cli('pmid-WRONG-9999', '--json', 'list')).stdout).holds;
    expect(holds).toEqual([expect.objectContaining({ state: 'declined', amount: 7000, lastError: expect.objectContaining({ code: 'NOT_SENT', operation: 'authorize' }) })]);
    expect((await cli('pmid-WRONG-9999', 'show', holds[0].id)).stdout).toMatch(/state +│ declined \(not sent: the same idempotency key sends it again\)/);

    const fixed = await cli('pmid-good-0001', '--json', ...authorize);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ id: holds[0].id, state: 'authorized', amount: 7000, lastError: null });
  });
});
