import { validCidrs } from '../api-keys/key-fields';
import { normaliseGrant } from '../api-keys/scopes';

/** What saving a key's access form would change in what calls with the key may do. */
export interface AccessChange {
  scopesAdded: string[];
  scopesRemoved: string[];
  cidrsAdded: string[];
  cidrsRemoved: string[];
}

const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

/**
 * The scope and IP-range changes a posted form makes to a key, compared as the service
 * will store them; undefined when nothing there changes, or when the form is invalid
 * (the service then refuses it and says why).
 */
export function accessChange(
  current: { scopes: readonly string[]; allowedCidrs: readonly string[] },
  posted: { scopes: readonly string[]; allowedCidrs: readonly string[] },
  catalog: readonly string[],
): AccessChange | undefined {
  let scopes: string[];
  let cidrs: string[];
  try {
    scopes = normaliseGrant(posted.scopes, catalog);
    cidrs = validCidrs(posted.allowedCidrs);
  } catch {
    return undefined;
  }
  const change = {
    scopesAdded: minus(scopes, current.scopes),
    scopesRemoved: minus(current.scopes, scopes),
    cidrsAdded: minus(cidrs, current.allowedCidrs),
    cidrsRemoved: minus(current.allowedCidrs, cidrs),
  };
  return Object.values(change).some((list) => list.length > 0) ? change : undefined;
}
