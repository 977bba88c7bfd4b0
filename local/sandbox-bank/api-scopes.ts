/** The scopes of the bank's API (accounts-resource.ts serves `accounts`); any other scope is OpenID's. */
export const API_SCOPES = ['accounts', 'payments'];
