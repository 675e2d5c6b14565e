import { requiredParameter } from '../form';
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
  token: (form) => requiredParameter(form, 'assertion', 'the ID token'),
});
