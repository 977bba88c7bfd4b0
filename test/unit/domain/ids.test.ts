import { ID_PATTERN, newId } from '../../../functions/shared/domain/ids';

describe('newId', () => {
  it('makes 22 base58 characters', () => {
    const ids = Array.from({ length: 1_000 }, () => newId());

    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every base58 character and no look-alikes', () => {
    const seen = new Set(Array.from({ length: 500 }, () => newId()).join(''));

    expect(seen.size).toBe(58);
    for (const lookAlike of ['0', 'O', 'I', 'l']) expect(seen.has(lookAlike)).toBe(false);
  });
});
