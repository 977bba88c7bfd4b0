import { intentAttributes, intentFromItem } from '../../../functions/shared/repository/intent-item';
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

    const attributes = intentAttributes(written);

    expect(attributes).not.toHaveProperty('authorizationUrl');
    expect(attributes.authUrlDeflated).toBeInstanceOf(Uint8Array);
    expect(attributes.oauth).toEqual({ codeVerifier: 'v'.repeat(43) });
    expect(intentFromItem(attributes)).toEqual(written);
  });

  it('reads the deflated URL as a stream record spells binary (base64)', () => {
    const attributes = intentAttributes(intent({ authorizationUrl: url }));
    const bytes = attributes.authUrlDeflated as Uint8Array;

    const read = intentFromItem({ ...attributes, authUrlDeflated: Buffer.from(bytes).toString('base64') });

    expect(read.authorizationUrl).toBe(url);
  });

  it('reads an item written before (plain URL, state beside the verifier) as it was', () => {
    const legacy = intent({ authorizationUrl: url });

    expect(intentFromItem(intentItem(legacy))).toEqual(legacy);
  });
});
