/**
 * The actions an organisation's audit log records, as people read them, grouped for
 * the console's filter. An action not listed here still shows, by its code.
 */
export const AUDIT_ACTION_GROUPS: { group: string; all: string; any: string; actions: [string, string][] }[] =
  [
    {
      group: 'Keys',
      any: 'Any key event',
      all: 'key.*',
      actions: [
        ['key.created', 'Key created'],
        ['key.imported', 'Key imported'],
        ['key.renamed', 'Key renamed'],
        ['key.scopes_changed', 'Key scopes changed'],
        ['key.allowed_cidrs_changed', 'Key IP ranges changed'],
        ['key.token_ttl_changed', 'Key token lifetime changed'],
        ['key.disabled', 'Key disabled'],
        ['key.enabled', 'Key enabled'],
        ['key.rotated', 'Key rotated'],
        ['key.revoked', 'Key revoked'],
        ['key.deleted', 'Key deleted'],
        ['token.revoked', 'Access token revoked'],
      ],
    },
    {
      group: 'People',
      any: 'Any event about people',
      all: 'user.*',
      actions: [
        ['user.signed_in', 'Signed in'],
        ['user.sign_in_failed', 'Sign-in failed'],
        ['user.invited', 'Person invited'],
        ['user.invite_revoked', 'Invite revoked'],
        ['user.joined', 'Joined with an invite'],
        ['user.created', 'Account created'],
        ['user.role_granted', 'Role granted'],
      ],
    },
    {
      group: 'Federations',
      any: 'Any federation event',
      all: 'federation.*',
      actions: [
        ['federation.created', 'Federation created'],
        ['federation.updated', 'Federation changed'],
        ['federation.disabled', 'Federation disabled'],
        ['federation.enabled', 'Federation enabled'],
        ['federation.revoked', 'Federation revoked'],
        ['federation.deleted', 'Federation deleted'],
      ],
    },
    {
      group: 'Organisation',
      any: 'Any organisation event',
      all: 'org.*',
      actions: [
        ['org.created', 'Organisation created'],
        ['org.claimed', 'Organisation claimed'],
        ['org.settings_changed', 'Organisation settings changed'],
      ],
    },
  ];

const LABELS = new Map(AUDIT_ACTION_GROUPS.flatMap((g) => g.actions));

/** "Key rotated" for `key.rotated`; an unknown action reads as its code, made legible. */
export function actionLabel(action: string): string {
  const known = LABELS.get(action);
  if (known) return known;
  const [thing = '', verb = ''] = action.split('.');
  const text = `${thing.replace(/_/g, ' ')} ${verb.replace(/_/g, ' ')}`.trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
