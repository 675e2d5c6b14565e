/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { type Chrome, Csrf, Layout } from '../layout';

/** An action that asks first: what it is called, where it posts, what it says. */
export interface Confirmation {
  /** Unique on the page: the dialog's id and the prefix of its fields' ids. */
  id: string;
  /** The question, naming the thing it acts on: "Revoke “ci-nightly”?". */
  title: string;
  /** Where the confirming form posts. */
  action: string;
  /** The confirming button's text, e.g. "Revoke". */
  confirm: string;
  tone: 'danger' | 'primary';
  csrf: string;
  hidden?: Record<string, string>;
  /** What happens, and any choice to make (the grace period). */
  body: (idPrefix: string, inDialog: boolean) => Child;
}

/** The confirming form: what happens, then Cancel and the action, in that order. */
function ConfirmForm(props: { c: Confirmation; cancel: Child; idPrefix: string; inDialog: boolean }) {
  const { c } = props;
  return (
    <form method="post" action={c.action}>
      <Csrf token={c.csrf} />
      {Object.entries(c.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {c.body(props.idPrefix, props.inDialog)}
      <div class="dialog-actions">
        {props.cancel}
        <button type="submit" class={c.tone === 'danger' ? 'danger solid' : 'primary'}>
          {c.confirm}
        </button>
      </div>
    </form>
  );
}

/**
 * A button that asks first. With the console's script it opens the confirmation as a
 * modal dialog; without it, the button submits its GET form to `page`, which shows the
 * same confirmation as a page. Either way nothing changes until the second button.
 */
export function ConfirmButton(props: {
  c: Confirmation;
  label: string;
  /** The button's accessible name when the label alone is ambiguous: "Rotate ci-nightly". */
  ariaLabel?: string | undefined;
  /** The confirmation page for browsers without script, and its query. */
  page: string;
  query?: Record<string, string>;
  tone?: 'danger' | 'plain';
}) {
  const { c } = props;
  return (
    <>
      <form method="get" action={props.page} class="inline">
        {Object.entries(props.query ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button
          type="submit"
          class={props.tone === 'danger' ? 'danger' : undefined}
          data-dialog={c.id}
          aria-haspopup="dialog"
          aria-label={props.ariaLabel}
        >
          {props.label}
        </button>
      </form>
      <dialog id={c.id} aria-labelledby={`${c.id}-title`}>
        <h2 id={`${c.id}-title`}>{c.title}</h2>
        <ConfirmForm
          c={c}
          idPrefix={c.id}
          inDialog
          cancel={
            <button type="button" data-close autofocus={c.tone === 'danger'}>
              Cancel
            </button>
          }
        />
      </dialog>
    </>
  );
}

/** Enabling asks nothing: one button, named with what it enables, posting `enabled=true`. */
export function EnableButton(props: { path: string; name: string; csrf: string; inline?: boolean }) {
  return (
    <form method="post" action={`${props.path}/enabled`} class={props.inline ? 'inline' : undefined}>
      <Csrf token={props.csrf} />
      <input type="hidden" name="enabled" value="true" />
      <button type="submit" aria-label={`Enable ${props.name}`}>
        Enable
      </button>
    </form>
  );
}

/** The same confirmation as a page of its own (the way without script). */
export function ConfirmPage(props: { chrome: Chrome; c: Confirmation; back: string }) {
  return (
    <Layout chrome={props.chrome} title={props.c.title} narrow>
      <div class="card">
        <ConfirmForm
          c={props.c}
          idPrefix="confirm"
          inDialog={false}
          cancel={
            <a class="button" href={props.back}>
              Cancel
            </a>
          }
        />
      </div>
    </Layout>
  );
}
