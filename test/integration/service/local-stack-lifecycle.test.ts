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

  it('stops cleanly while its expiry sweeper runs every tenth of a second', async () => {
    // The sweeper stops first and is waited for, so no sweep is left to fail on a closed table.
    const stack = await startStackProcess(['--expiry-sweep-interval', '0.1']);

    const code = await stack.stop('SIGINT');

    expect(stack.expirySweepIntervalMs).toBe(100);
    expect(code).toBe(0);
    expect(stack.output()).not.toContain('The expiry sweep failed');
  });

  it.each([
    ['--intent-lifetime', '0', '--intent-lifetime must be whole seconds from 1 to 86400'],
    ['--expiry-sweep-interval', 'often', '--expiry-sweep-interval must be seconds from 0.1 to 3600'],
  ])('refuses %s %s, saying why', async (flag, value, message) => {
    await expect(startStackProcess([flag, value])).rejects.toThrow(message);
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
