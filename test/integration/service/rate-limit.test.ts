import { useLocalStack } from '../../support/use-local-stack';

const local = useLocalStack();

describe('rate limit against the real table', () => {
  it('lets an account make 200 requests a minute, then answers 429 with Retry-After', async () => {
    // Start early in a minute window, so the 201 requests all fall into the same one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
    const invalid = { accountId: local.stack.accountId }; // a 400 still counts: the caller was authenticated

    const answers = [];
    for (let i = 0; i < 200; i += 20) {
      answers.push(...(await Promise.all(Array.from({ length: 20 }, () => local.api.createIntent(invalid)))));
    }
    const over = await local.api.createIntent(invalid);

    expect(answers.every((answer) => answer.status === 400)).toBe(true);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'RATE_LIMIT_EXCEEDED',
    });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  }, 60_000);
});
