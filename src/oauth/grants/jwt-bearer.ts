import { OAuthError } from '../oauth-error';
import { federatedGrant } from './federated-token';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * RFC 7523 §2.1: the same ID token presented as a JWT authorization grant, with the
 * same checks as the token exchange. A refused assertion is invalid_grant, as §3.1
 * requires of this grant.
 */
export const jwtBearerGrant = federatedGrant({
  label: 'assertion',
  refusal: 'invalid_grant',
  token: (form) => {
    const token = form.get('assertion');
    if (token === undefined) throw new OAuthError('invalid_request', 'assertion is required (the ID token)');
    return token;
  },
});
