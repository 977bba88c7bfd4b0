import type { FailureReason } from '../functions/shared/domain/failure-reason';

/** A headline and one or two sentences: how the local pages tell an outcome. */
export interface Words {
  headline: string;
  text: string;
}

const DECLINED: Words = {
  headline: 'You declined at the bank',
  text: 'The authorization was refused at the bank.',
};

/**
 * Every documented failure reason in words. A `Record` over the codes, so a code added to the list
 * in functions/shared/domain/failure-reason.ts does not compile here until it has words.
 */
export const FAILURE_WORDS: Record<FailureReason, Words> = {
  ACCESS_DENIED: DECLINED,
  CODE_REJECTED: {
    headline: 'The bank did not accept the authorization code',
    text: 'The code was invalid, had expired or had already been used.',
  },
  GRANT_INSUFFICIENT: {
    headline: 'The bank granted less than this connection needs',
    text: 'The permission given at the bank did not cover what was asked for.',
  },
  TOKEN_REJECTED: {
    headline: 'The bank withdrew its permission',
    text: 'The bank refused its own access token before the accounts could be read.',
  },
  EXPIRED: {
    headline: 'This connection expired',
    text: 'It was not finished within its lifetime, so the answer from the bank can no longer be used.',
  },
  PROVIDER_REJECTED: {
    headline: 'The bank refused the authorization',
    text: 'The bank gave a reason this page does not know.',
  },
};

/**
 * The errors a bank may send to the redirect URI instead of a code (RFC 6749 §4.1.2.1, OpenID
 * Connect Core §3.1.2.6), in words. Anything else reads as a generic refusal.
 */
export function bankErrorWords(error: string): Words {
  switch (error) {
    case 'access_denied':
      return DECLINED;
    case 'temporarily_unavailable':
    case 'server_error':
      return {
        headline: 'The bank is unavailable',
        text: 'The bank could not finish the authorization while you were there.',
      };
    case 'login_required':
    case 'consent_required':
    case 'interaction_required':
    case 'account_selection_required':
      return {
        headline: 'The bank needed you to sign in or confirm',
        text: 'The bank could not ask you to, so the authorization was not completed.',
      };
    default:
      return {
        headline: 'The bank could not complete the authorization',
        text: 'The bank answered with an error instead of an authorization code.',
      };
  }
}

/** Why a retry may help, in words; see callback-outcome.ts for which answers lead to which. */
export const RETRY_CAUSES = [
  'bank-unavailable',
  'bank-no-answer',
  'service-unavailable',
  'in-progress',
  'rate-limited',
  'too-early',
] as const;
export type RetryCause = (typeof RETRY_CAUSES)[number];

export const RETRY_WORDS: Record<RetryCause, Words> = {
  'bank-unavailable': {
    headline: 'The bank is unavailable',
    text: 'The bank could not be reached, or answered with an error before it used the code. Nothing was changed: the same code can be tried again.',
  },
  'bank-no-answer': {
    headline: 'The bank’s answer was lost',
    text: 'The code reached the bank, but its answer was not heard. A retry finishes the connection unless the bank already used the code; then the connection fails and you start again.',
  },
  'service-unavailable': {
    headline: 'The service is unavailable',
    text: 'The service could not finish the connection just now. Nothing was changed: it can be tried again.',
  },
  'in-progress': {
    headline: 'This connection is being finished right now',
    text: 'Another request is finishing it. Check again in a moment.',
  },
  'rate-limited': {
    headline: 'Too many requests for this account',
    text: 'The account sent more requests this minute than the API allows.',
  },
  'too-early': {
    headline: 'Not yet',
    text: 'The service asked to wait before the next try.',
  },
};

/** Answers that retrying cannot change, by the documented code or status, in words. */
export function refusalWords(status: number | 'no-answer', code: string | undefined): Words {
  if (status === 401) {
    return {
      headline: 'The page’s API key was refused',
      text: 'The demo API key this page uses is not valid on this stack. Restart the local stack.',
    };
  }
  if (status === 403 && code === 'Forbidden') {
    return {
      headline: 'This connection is not one of the demo account’s',
      text: 'The service does not show it to this page.',
    };
  }
  if (status === 400) {
    return {
      headline: 'The service could not read the request',
      text: 'It refused what this page sent.',
    };
  }
  return {
    headline: 'The service refused to finish this connection',
    text: 'Its answer does not allow a retry.',
  };
}
