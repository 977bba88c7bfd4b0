import { toBankAccountView } from '../../../functions/shared/domain/bank-account-view';
import { FAILURE_REASONS, failureReasonOf } from '../../../functions/shared/domain/failure-reason';
import { intentViewSchema, toIntentView } from '../../../functions/shared/domain/intent-view';
import { bankAccount, intent } from '../../support/fixtures';

const SEED_FIELDS = [
  'id',
  'accountId',
  'type',
  'status',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
  'authorizationUrl',
];

describe('failure reasons', () => {
  it.each([
    ['access_denied', 'ACCESS_DENIED'],
    ['invalid_grant', 'CODE_REJECTED'],
    ['insufficient_scope', 'GRANT_INSUFFICIENT'],
    ['authorization_details_mismatch', 'GRANT_INSUFFICIENT'],
    ['invalid_token', 'TOKEN_REJECTED'],
  ])('translate the provider code %s into %s', (stored, documented) => {
    expect(failureReasonOf(stored)).toBe(documented);
  });

  it.each(FAILURE_REASONS)('keep the documented code %s', (code) => {
    expect(failureReasonOf(code)).toBe(code);
  });

  it.each([
    ['an unknown code', 'temporarily_unavailable'],
    ['a prototype key', 'constructor'],
    ['nothing', undefined],
  ])('tell %s as PROVIDER_REJECTED', (_what, stored) => {
    expect(failureReasonOf(stored)).toBe('PROVIDER_REJECTED');
  });
});

describe('the intent view', () => {
  it('is exactly what create answers for a created intent', () => {
    expect(Object.keys(toIntentView(intent())).sort()).toEqual([...SEED_FIELDS].sort());
  });

  it('adds the documented failure reason, never the provider code, when failed', () => {
    const view = toIntentView(intent({ status: 'failed', failureReason: 'access_denied', oauth: undefined }));

    expect(view).toMatchObject({ status: 'failed', failureReason: 'ACCESS_DENIED' });
    expect(JSON.stringify(view)).not.toContain('access_denied');
  });

  it('adds the connected Bank Accounts of an authorized account-information intent', () => {
    const view = toIntentView(
      intent({ status: 'authorized', bankAccountIds: ['Bnk1111111111111111111'], authorizedCodeHash: 'h' }),
    );

    expect(view.bankAccountIds).toEqual(['Bnk1111111111111111111']);
    expect(Object.keys(view).sort()).toEqual([...SEED_FIELDS, 'bankAccountIds'].sort());
  });

  it('echoes bankAccountId for a payment intent, and no bankAccountIds', () => {
    const view = toIntentView(
      intent({
        type: 'quartz-payment',
        status: 'authorized',
        bankAccountId: 'Bnk1111111111111111111',
        bankAccountIds: ['Bnk2222222222222222222'],
      }),
    );

    expect(view.bankAccountId).toBe('Bnk1111111111111111111');
    expect(view).not.toHaveProperty('bankAccountIds');
  });

  it('leaves out everything internal: PKCE material, claim, grant, code hash, table keys', () => {
    const view = toIntentView(
      intent({
        claim: { id: 'c', codeHash: 'h', expiresAt: 1 },
        grant: { codeHash: 'h', accessToken: 'token' },
        authorizedCodeHash: 'h',
      }),
    );

    expect(JSON.stringify(view)).not.toMatch(/verifier|claim|grant|token|codeHash|"pk"|gsi1/);
  });

  it('has a strict schema: an extra field is refused', () => {
    const view = toIntentView(intent());

    expect(intentViewSchema.safeParse({ ...view, oauth: {} }).success).toBe(false);
  });
});

describe('the Bank Account view', () => {
  it("uses the family's field names and leaves the provider's account id out", () => {
    const stored = bankAccount({ providerAccountId: 'acc-alice-1', updatedAt: '2022-04-01T00:00:00.000Z' });

    expect(toBankAccountView(stored)).toEqual({
      id: stored.id,
      accountId: stored.accountId,
      type: 'quartz',
      bankAccountNumber: stored.accountNumber,
      bankAccountName: stored.name,
      createdAt: stored.createdAt,
      createdBy: stored.createdBy,
      modifiedAt: '2022-04-01T00:00:00.000Z',
      modifiedBy: stored.updatedBy,
    });
  });

  it('carries test and enduringPaymentConsentAuthorized only when true', () => {
    expect(
      toBankAccountView(bankAccount({ test: true, enduringPaymentConsentAuthorized: true })),
    ).toMatchObject({ test: true, enduringPaymentConsentAuthorized: true });
    const plain = toBankAccountView(bankAccount({ test: false, enduringPaymentConsentAuthorized: false }));
    expect(plain).not.toHaveProperty('test');
    expect(plain).not.toHaveProperty('enduringPaymentConsentAuthorized');
  });
});
