/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../../api-keys/key-fields';
import { WIDE_PREFIX_BELOW } from '../../lib/ip';

/**
 * A key's IP ranges (with the script's warning for very wide ones) and token lifetime:
 * the same fields in the create form and the key's access form, `prefix` keeping ids apart.
 */
export function KeyLimitFields(props: { prefix: string; cidrs: string; cidrsHelp: string; ttl: string }) {
  const id = (name: string) => `${props.prefix}-${name}`;
  return (
    <>
      <label for={id('cidrs')}>Allowed IP ranges</label>
      <textarea
        id={id('cidrs')}
        name="allowedCidrs"
        rows={3}
        class="code"
        aria-describedby={id('cidrs-help')}
        data-cidr-warning={id('cidrs-warning')}
        data-wide-ipv4={WIDE_PREFIX_BELOW.ipv4}
        data-wide-ipv6={WIDE_PREFIX_BELOW.ipv6}
      >
        {props.cidrs}
      </textarea>
      <p id={id('cidrs-help')} class="help">
        {props.cidrsHelp}
      </p>
      <p id={id('cidrs-warning')} class="alert warn" hidden>
        Warning: a range this wide (such as 0.0.0.0/0 or ::/0) allows almost any address.
      </p>
      <label for={id('ttl')}>Token lifetime (seconds)</label>
      <input
        id={id('ttl')}
        name="tokenTtlSeconds"
        type="number"
        min={MIN_TOKEN_TTL}
        max={MAX_TOKEN_TTL}
        aria-describedby={id('ttl-help')}
        value={props.ttl}
      />
      <p id={id('ttl-help')} class="help">
        {`${MIN_TOKEN_TTL} to ${MAX_TOKEN_TTL}; empty for the server’s default.`}
      </p>
    </>
  );
}
