/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { type Confirmation, ConfirmButton } from './confirm';

/** The key actions that ask first; enabling a key needs no confirmation. */
export const KEY_CONFIRMATIONS = ['rotate', 'revoke', 'disable', 'delete'] as const;
export type KeyConfirmation = (typeof KEY_CONFIRMATIONS)[number];

/**
 * The grace periods rotation offers. One hour is the default, as in Stripe's dashboard:
 * most rotations are routine, and a routine rotation without grace breaks every running
 * integration until the new secret is deployed; an hour covers a usual deploy while
 * keeping the old secret's remaining life short. A leaked secret calls for None, which
 * the dialog says.
 */
export const GRACE_PRESETS = [
  {
    seconds: 0,
    label: 'None',
    help: 'The old secret stops working now. Choose this if it may have leaked.',
  },
  {
    seconds: 3600,
    label: '1 hour',
    help: 'Both secrets work for an hour: time to deploy the new one before the old one stops.',
  },
  {
    seconds: 86_400,
    label: '24 hours',
    help: 'Both work for a day, for rollouts that take longer (many services or machines).',
  },
] as const;
export const DEFAULT_GRACE_SECONDS = 3600;

function GraceChoices(props: { prefix: string; inDialog: boolean }) {
  return (
    <fieldset class="choices">
      <legend>How long the old secret keeps working</legend>
      {GRACE_PRESETS.map((g) => {
        const id = `${props.prefix}-grace-${g.seconds}`;
        const isDefault = g.seconds === DEFAULT_GRACE_SECONDS;
        return (
          <div class="choice">
            <input
              id={id}
              type="radio"
              name="gracePeriodSeconds"
              value={String(g.seconds)}
              checked={isDefault}
              autofocus={props.inDialog && isDefault}
              aria-describedby={`${id}-help`}
            />
            <label for={id}>{isDefault ? `${g.label} (recommended)` : g.label}</label>
            <p id={`${id}-help`}>{g.help}</p>
          </div>
        );
      })}
    </fieldset>
  );
}

/** What each action does, asked with the key's name. */
export function keyConfirmation(
  action: KeyConfirmation,
  k: { id: string; name: string },
  keyPath: string,
  csrf: string,
): Confirmation {
  const id = `${action}-${k.id}`;
  switch (action) {
    case 'rotate':
      return {
        id,
        title: `Rotate “${k.name}”?`,
        action: `${keyPath}/rotate`,
        confirm: 'Rotate',
        tone: 'primary',
        csrf,
        body: (prefix, inDialog) => (
          <>
            <p>
              A new secret is made and shown once, on the next page. Calls must move to it before the old one
              stops working.
            </p>
            <GraceChoices prefix={prefix} inDialog={inDialog} />
          </>
        ),
      };
    case 'revoke':
      return {
        id,
        title: `Revoke “${k.name}”?`,
        action: `${keyPath}/revoke`,
        confirm: 'Revoke',
        tone: 'danger',
        csrf,
        body: () => (
          <p>
            Its secret stops working at once and for good, and the gateway refuses the tokens it already
            obtained. This cannot be undone; calls made with it will fail.
          </p>
        ),
      };
    case 'disable':
      return {
        id,
        title: `Disable “${k.name}”?`,
        action: `${keyPath}/enabled`,
        confirm: 'Disable',
        tone: 'danger',
        csrf,
        hidden: { enabled: 'false' },
        body: () => (
          <p>
            Until you enable it again, its secret gets no token and the gateway refuses the tokens it already
            has: calls made with it will fail.
          </p>
        ),
      };
    case 'delete':
      return {
        id,
        title: `Delete “${k.name}”?`,
        action: `${keyPath}/delete`,
        confirm: 'Delete',
        tone: 'danger',
        csrf,
        body: () => <p>It leaves the key listings for good; the audit log keeps its history.</p>,
      };
  }
}

const LABELS: Record<KeyConfirmation, string> = {
  rotate: 'Rotate',
  revoke: 'Revoke',
  disable: 'Disable',
  delete: 'Delete',
};

/** A key's action button, named with the key ("Revoke ci-nightly"), that asks first. */
export function KeyActionButton(props: {
  action: KeyConfirmation;
  k: { id: string; name: string };
  keyPath: string;
  csrf: string;
  /** Where Cancel leads on the page without script: the list or the key's page. */
  from: 'list' | 'key';
}) {
  const label = LABELS[props.action];
  return (
    <ConfirmButton
      c={keyConfirmation(props.action, props.k, props.keyPath, props.csrf)}
      label={label}
      ariaLabel={`${label} ${props.k.name}`}
      page={`${props.keyPath}/${props.action}`}
      query={{ from: props.from }}
      tone={props.action === 'revoke' || props.action === 'delete' ? 'danger' : 'plain'}
    />
  );
}
