import { intentPositionSchema } from '../../../functions/shared/domain/intent-page';
import { PageKeys, type PageScope } from '../../../functions/shared/domain/page-keys';

const SECRET = 'page-key-secret-0123456789-0123456789';
const keys = new PageKeys(async () => SECRET);
const SCOPE: PageScope = { listing: 'intents', accountId: 'B4u4WZCu3joZFVWT3XjWW3', query: {} };
const POSITION = { createdAt: '2022-03-31T02:56:29.713Z', id: '3KVjuKW2CZCJeJVqPxwkX7' };

const invalid = { statusCode: 400, message: 'pageKey is invalid' };

/** The key with one character of its `part` (0: position, 1: MAC) replaced. */
function altered(pageKey: string, part: 0 | 1, at: number): string {
  const parts = pageKey.split('.');
  const text = parts[part] ?? '';
  const index = (at + text.length) % text.length;
  const replacement = text[index] === 'A' ? 'B' : 'A';
  parts[part] = `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
  return parts.join('.');
}

describe('PageKeys', () => {
  it('opens the key it issued for the same scope, giving back the position', async () => {
    const pageKey = await keys.issue(SCOPE, POSITION);

    await expect(keys.open(SCOPE, pageKey, intentPositionSchema)).resolves.toEqual(POSITION);
    expect(pageKey).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['the first character of the position', 0, 0],
    ['the last character of the position', 0, -1],
    ['the first character of the MAC', 1, 0],
    ['the last character of the MAC', 1, -1],
  ] as const)('refuses a key whose %s was changed', async (_what, part, at) => {
    const pageKey = await keys.issue(SCOPE, POSITION);

    await expect(keys.open(SCOPE, altered(pageKey, part, at), intentPositionSchema)).rejects.toMatchObject(
      invalid,
    );
  });

  it('refuses a position signed with no MAC of ours, even one that would parse', async () => {
    const forged = `${Buffer.from(JSON.stringify({ ...POSITION, id: 'Other1111111111111111111' })).toString('base64url')}.${(await keys.issue(SCOPE, POSITION)).split('.')[1]}`;

    await expect(keys.open(SCOPE, forged, intentPositionSchema)).rejects.toMatchObject(invalid);
  });

  it.each([
    ['another account', { ...SCOPE, accountId: 'uooxSens6ykJaim1Cu1Q55' }],
    ['another listing', { ...SCOPE, listing: 'bank-accounts' }],
    ['another query', { ...SCOPE, query: { status: 'failed' } }],
  ])('refuses a key issued for %s', async (_what, other) => {
    const pageKey = await keys.issue(other, POSITION);

    await expect(keys.open(SCOPE, pageKey, intentPositionSchema)).rejects.toMatchObject(invalid);
  });

  it('refuses a key signed with another secret (after a rotation)', async () => {
    const pageKey = await new PageKeys(async () => 'another-secret-0123456789-0123456789').issue(
      SCOPE,
      POSITION,
    );

    await expect(keys.open(SCOPE, pageKey, intentPositionSchema)).rejects.toMatchObject(invalid);
  });

  it.each(['', '.', 'abc', 'a.b.c', '!!!.???', `${'x'.repeat(10)}.`])(
    'refuses a malformed key %j',
    async (pageKey) => {
      await expect(keys.open(SCOPE, pageKey, intentPositionSchema)).rejects.toMatchObject(invalid);
    },
  );

  it('refuses a genuine key whose position does not fit the listing', async () => {
    const pageKey = await keys.issue(SCOPE, { createdAt: 'yesterday', id: POSITION.id });

    await expect(keys.open(SCOPE, pageKey, intentPositionSchema)).rejects.toMatchObject(invalid);
  });

  it('binds the query whatever the order of its parameters', async () => {
    const pageKey = await keys.issue({ ...SCOPE, query: { a: '1', b: '2' } }, POSITION);

    await expect(
      keys.open({ ...SCOPE, query: { b: '2', a: '1' } }, pageKey, intentPositionSchema),
    ).resolves.toEqual(POSITION);
  });
});
