import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  STACK_START_TIMEOUT_MS,
  STACK_STOP_TIMEOUT_MS,
  startStackProcess,
} from '../../support/local-stack-process';
import { ServiceClient } from '../../support/service-client';

// A test here starts and stops up to two stacks, on a busy machine.
jest.setTimeout(2 * (STACK_START_TIMEOUT_MS + STACK_STOP_TIMEOUT_MS));

describe('npm start', () => {
  it('stops everything cleanly on Ctrl-C', async () => {
    const stack = await startStackProcess();

    const code = await stack.stop('SIGINT');

    expect(code).toBe(0);
    await expect(fetch(`${stack.apiUrl}/api/bank-account-connection-intents`)).rejects.toThrow();
    await expect(fetch(`${stack.testIssuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await expect(fetch(stack.dynamoEndpoint)).rejects.toThrow();
  });

  it('keeps its data across a restart with --persist', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'local-data-'));
    try {
      const first = await startStackProcess(['--persist', dir]);
      const created = await new ServiceClient(first).createIntent({
        accountId: first.accountId,
        type: 'quartz-accounts',
      });
      expect(created.status).toBe(200);
      expect(await first.stop()).toBe(0);

      const second = await startStackProcess(['--persist', dir]);
      const stored = await new ServiceClient(second).intents.get(String(created.body.id));
      await second.stop();

      expect(stored).toMatchObject({ id: created.body.id, status: 'created' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
