/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { AccessChange } from '../access-change';
import type { Chrome } from '../layout';
import { Alert } from '../layout';
import { ConfirmPage } from './confirm';

const Codes = (props: { items: string[] }) => (
  <>
    {props.items.map((s, i) => (
      <>
        {i > 0 ? ', ' : ''}
        <code>{s}</code>
      </>
    ))}
  </>
);

/** Each change in words: what calls with the key can no longer do, or can now do. */
function ChangeList(props: { change: AccessChange; hadRanges: boolean; hasRanges: boolean }) {
  const c = props.change;
  return (
    <ul>
      {c.scopesRemoved.length ? (
        <li>
          Scopes removed — calls that need them will be refused: <Codes items={c.scopesRemoved} />
        </li>
      ) : null}
      {c.scopesAdded.length ? (
        <li>
          Scopes added: <Codes items={c.scopesAdded} />
        </li>
      ) : null}
      {!props.hadRanges && props.hasRanges ? (
        <li>
          Only these IP ranges will get tokens; calls from any other address will be refused:{' '}
          <Codes items={c.cidrsAdded} />
        </li>
      ) : props.hadRanges && !props.hasRanges ? (
        <li>IP ranges removed: calls from any address will get tokens.</li>
      ) : (
        <>
          {c.cidrsRemoved.length ? (
            <li>
              IP ranges removed — calls from them will be refused: <Codes items={c.cidrsRemoved} />
            </li>
          ) : null}
          {c.cidrsAdded.length ? (
            <li>
              IP ranges added: <Codes items={c.cidrsAdded} />
            </li>
          ) : null}
        </>
      )}
    </ul>
  );
}

/**
 * The step between the access form and saving it: what changes, said plainly, and a
 * form that posts the same values again, confirmed.
 */
export function AccessConfirmPage(props: {
  chrome: Chrome;
  k: { id: string; name: string; allowedCidrs: readonly string[] };
  change: AccessChange;
  posted: { scopes: string[]; allowedCidrs: string; tokenTtlSeconds: string };
}) {
  const keyPath = `/console/orgs/${props.chrome.org?.slug}/keys/${props.k.id}`;
  const c = props.change;
  const hasRanges = props.k.allowedCidrs.length - c.cidrsRemoved.length + c.cidrsAdded.length > 0;
  return (
    <ConfirmPage
      chrome={props.chrome}
      back={keyPath}
      c={{
        id: 'access',
        title: `Save changes to “${props.k.name}”?`,
        action: `${keyPath}/update`,
        confirm: 'Save changes',
        tone: 'primary',
        csrf: props.chrome.csrf ?? '',
        hidden: {
          access: '1',
          confirmed: '1',
          allowedCidrs: props.posted.allowedCidrs,
          tokenTtlSeconds: props.posted.tokenTtlSeconds,
        },
        body: () => (
          <>
            {props.posted.scopes.map((s) => (
              <input type="hidden" name="scopes" value={s} />
            ))}
            <Alert kind="warn">
              Calls made with this key may break: the tokens it gets from now on follow these changes.
            </Alert>
            <ChangeList change={c} hadRanges={props.k.allowedCidrs.length > 0} hasRanges={hasRanges} />
          </>
        ),
      }}
    />
  );
}
