import { intentFromItem, toIntentItem } from '../../../functions/shared/repository/intent-item';
import { intent, intentItem } from '../../support/fixtures';

const url =
  'https://quartz.example.com/auth?response_type=code&client_id=live-client&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback' +
  '&scope=openid+payments&state=3KVjuKW2CZCJeJVqPxwkX7.Ab1111111111111111111&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' +
  '&code_challenge_method=S256';

describe('the stored form of an intent', () => {
  it('stores the URL deflated and the state once, and reads back the same intent', () => {
    const written = intent({
      authorizationUrl: url,
      oauth: { state: '3KVjuKW2CZCJeJVqPxwkX7.Ab1111111111111111111', codeVerifier: 'v'.repeat(43) },
    });

    const attributes = toIntentItem(written);

    expect(attributes).not.toHaveProperty('authorizationUrl');
    expect(attributes.authUrlDeflated).toBeInstanceOf(Uint8Array);
    expect(attributes.oauth).toEqual({ codeVerifier: 'v'.repeat(43) });
    expect(intentFromItem(attributes)).toEqual(written);
  });

  it('reads the deflated URL as a stream record spells binary (base64)', () => {
    const attributes = toIntentItem(intent({ authorizationUrl: url }));
    const bytes = attributes.authUrlDeflated as Uint8Array;

    const read = intentFromItem({ ...attributes, authUrlDeflated: Buffer.from(bytes).toString('base64') });

    expect(read.authorizationUrl).toBe(url);
  });

  it('reads an item written before (plain URL, state beside the verifier) as it was', () => {
    const legacy = intent({ authorizationUrl: url });

    expect(intentFromItem(intentItem(legacy))).toEqual(legacy);
  });
});

describe('each thing stored once', () => {
  const paymentUrl =
    `${url}&authorization_details=` +
    encodeURIComponent(
      JSON.stringify([
        {
          type: 'enduring_payment_consent',
          account_number: '12-3456-7890123-00',
          name: 'Loyer « Müller »',
          period: 'weekly',
          totalAmount: '50000',
        },
      ]),
    ).replace(/%20/g, '+');
  const payment = intent({
    type: 'enduring-payment-consent',
    bankAccountId: 'Bnk1111111111111111111',
    name: 'Loyer « Müller »',
    period: 'weekly',
    totalAmount: '50000',
    authorizationUrl: new URL(paymentUrl).href,
  });

  it('reads the id, account and creation time from the keys, and the unchanged audit from the created one', () => {
    const written = intent({ authorizationUrl: url });
    const item = toIntentItem({ ...written, updatedAt: written.createdAt, updatedBy: written.createdBy });

    for (const name of ['id', 'accountId', 'createdAt', 'updatedAt', 'updatedBy', 'createdBy']) {
      expect(item).not.toHaveProperty(name);
    }
    expect(item.createdByKey).toBe(written.createdBy.split(':api-key:')[1]);
    expect(intentFromItem(item)).toEqual({
      ...written,
      updatedAt: written.createdAt,
      updatedBy: written.createdBy,
    });
  });

  it('keeps a creator that is not one of the account’s API keys, and an audit that changed', () => {
    const written = intent({ authorizationUrl: url, createdBy: 'crn::user:someone' });
    const item = toIntentItem(written);

    expect(item.createdBy).toBe('crn::user:someone');
    expect(item.updatedBy).toBe(written.updatedBy);
    expect(intentFromItem(item)).toEqual(written);
  });

  it("takes a payment consent's name out of the URL and puts it back exactly", () => {
    const item = toIntentItem(payment);

    expect(item).toHaveProperty('authUrlTrimmed');
    expect(item).not.toHaveProperty('authUrlDeflated');
    expect(intentFromItem(item).authorizationUrl).toBe(payment.authorizationUrl);
  });

  it('stores the whole URL when its details do not hold the name as the request spells it', () => {
    const written = { ...payment, name: 'Another name' };
    const item = toIntentItem(written);

    expect(item).not.toHaveProperty('authUrlTrimmed');
    expect(intentFromItem(item)).toEqual(written);
  });

  it('reads a payment intent written before (every attribute, the name inside the plain URL)', () => {
    expect(intentFromItem(intentItem(payment))).toEqual(payment);
  });
});
