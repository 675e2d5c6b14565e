import { requiredParameter } from '../form';
import { OAuthError } from '../oauth-error';
import { ACCESS_TOKEN_TYPE, federatedGrant } from './federated-token';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** An OIDC ID token is a JWT, so both RFC 8693 §3 types name it. */
const SUBJECT_TOKEN_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:id_token',
  'urn:ietf:params:oauth:token-type:jwt',
]);

/**
 * RFC 8693 token exchange: a federation's client_id and a job's OIDC ID token as the
 * subject token, for an access token. Impersonation only: an actor token (delegation)
 * is refused rather than silently dropped.
 */
export const tokenExchangeGrant = federatedGrant({
  label: 'subject token',
  refusal: 'invalid_request',
  token: (form) => {
    const token = requiredParameter(form, 'subject_token');
    const type = form.get('subject_token_type');
    if (type === undefined || !SUBJECT_TOKEN_TYPES.has(type)) {
      throw new OAuthError(
        'invalid_request',
        'subject_token_type must name an OIDC ID token (…:oauth:token-type:id_token, or …:oauth:token-type:jwt)',
      );
    }
    const requested = form.get('requested_token_type');
    if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
      throw new OAuthError(
        'invalid_request',
        'requested_token_type: only access tokens are issued (…:oauth:token-type:access_token)',
      );
    }
    if (form.has('actor_token') || form.has('actor_token_type')) {
      throw new OAuthError('invalid_request', 'actor_token is not supported: send the subject token alone');
    }
    return token;
  },
});
