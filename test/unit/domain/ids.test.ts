import { derivedId, ID_PATTERN, newId } from '../../../functions/shared/domain/ids';

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

describe('derived ids', () => {
  it('are ids of the same shape, the same for the same seed and apart for another', () => {
    const seeds = ['intent-event:a:created', 'intent-event:a:failed', 'intent-event:b:created'];
    const ids = seeds.map(derivedId);

    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect(seeds.map(derivedId)).toEqual(ids);
    expect(new Set(ids).size).toBe(seeds.length);
  });
});
