/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { AUDIT_ACTION_GROUPS, actionLabel } from '../../audit/audit-actions';
import { detailFields } from '../../audit/audit-details';
import type { AuditFilterOptions, FilterOption } from '../../audit/audit-filter-options';
import type { AuditDirectory, AuditParty } from '../../audit/audit-names';
import type { AuditEventView } from '../../audit/list-audit';
import { shortUserAgent } from '../../audit/user-agent';
import { when } from '../format';
import { type Chrome, Layout } from '../layout';

export interface AuditFilters {
  action: string;
  actor: string;
  key: string;
}

/** Someone or something, by name, linked to its page; the id is in the tooltip and the IDs disclosure. */
function Party(props: { party: AuditParty; showKind: boolean }) {
  const p = props.party;
  const name = p.href ? (
    <a href={p.href} class="truncate" title={`${p.name} (${p.id})`}>
      {p.name}
    </a>
  ) : (
    <span class="truncate" title={`${p.name} (${p.id})`}>
      {p.name}
    </span>
  );
  return (
    <div class="audit-party">
      {name}
      {props.showKind ? <span class="muted small">{p.kind}</span> : null}
    </div>
  );
}

function Select(props: {
  id: string;
  name: string;
  label: string;
  any: string;
  value: string;
  groups: { label?: string; options: FilterOption[] }[];
}) {
  const option = (o: FilterOption) => (
    <option value={o.value} selected={o.value === props.value}>
      {o.label}
    </option>
  );
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        <option value="">{props.any}</option>
        {props.groups.map((g) =>
          g.label ? (
            g.options.length ? (
              <optgroup label={g.label}>{g.options.map(option)}</optgroup>
            ) : null
          ) : (
            g.options.map(option)
          ),
        )}
      </select>
    </div>
  );
}

function Row(props: { e: AuditEventView; dir: AuditDirectory }) {
  const { e, dir } = props;
  const actor = dir.actor(e);
  const target = dir.target(e);
  const fields = detailFields(e.action, e.details);
  const ids: [string, string][] = [
    ['Event', e.id],
    ['Action', e.action],
    [`Actor (${e.actor.type})`, e.actor.id],
    [`Target (${e.target.type})`, e.target.id],
  ];
  const clientId = target.clientId ?? actor.clientId ?? (e.details.clientId as string | undefined);
  if (clientId && clientId !== e.actor.id) ids.push(['Client ID', clientId]);
  if (e.userAgent) ids.push(['User agent', e.userAgent]);
  return (
    <tr>
      <td data-label="When" class="audit-when">
        <time datetime={e.at}>{when(e.at)}</time>
      </td>
      <td data-label="Action" class="cell-title audit-action">
        {actionLabel(e.action)}
      </td>
      <td data-label="Actor" class="audit-who">
        <Party party={actor} showKind={actor.kind !== 'user'} />
      </td>
      <td data-label="Target" class="audit-who">
        <Party party={target} showKind={target.kind !== 'user'} />
      </td>
      <td data-label="Details" class="audit-details">
        {fields.length ? (
          <dl>
            {fields.map((f) => (
              <div>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <details class="audit-ids">
          <summary>
            IDs<span class="visually-hidden">{` of this ${actionLabel(e.action).toLowerCase()} event`}</span>
          </summary>
          <dl>
            {ids.map(([k, v]) => (
              <div>
                <dt>{k}</dt>
                <dd class="mono">{v}</dd>
              </div>
            ))}
          </dl>
        </details>
      </td>
      <td data-label="From" class="audit-from">
        <span class="mono">{e.ip ?? 'unknown address'}</span>
        <span class="muted small" title={e.userAgent ?? undefined}>
          {shortUserAgent(e.userAgent)}
        </span>
      </td>
    </tr>
  );
}

export function AuditPage(props: {
  chrome: Chrome;
  items: AuditEventView[];
  directory: AuditDirectory;
  options: AuditFilterOptions;
  filters: AuditFilters;
  /** Links to the neighbouring pages, absent at either end. */
  newer?: string | undefined;
  older?: string | undefined;
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}/audit`;
  const f = props.filters;
  const filtered = Boolean(f.action || f.actor || f.key);
  const actionGroups = AUDIT_ACTION_GROUPS.map((g) => ({
    label: g.group,
    options: [{ value: g.all, label: g.any }, ...g.actions.map(([value, label]) => ({ value, label }))],
  }));
  return (
    <Layout chrome={props.chrome} title="Audit log">
      <p class="lead muted">
        Who did what in this organisation, newest first. Times are UTC; each event’s ids are under “IDs”.
      </p>
      <form method="get" action={base} class="filter-bar" aria-label="Filter events">
        <Select
          id="audit-action"
          name="action"
          label="Action"
          any="All actions"
          value={f.action}
          groups={actionGroups}
        />
        <Select
          id="audit-actor"
          name="actor"
          label="Actor"
          any="Anyone"
          value={f.actor}
          groups={[{ options: props.options.actors }]}
        />
        <Select
          id="audit-key"
          name="key"
          label="Key"
          any="Any key or federation"
          value={f.key}
          groups={[
            { label: 'Keys', options: props.options.keys },
            { label: 'Federations', options: props.options.federations },
          ]}
        />
        <div class="audit-filter-actions">
          <button type="submit">Filter</button>
          {filtered ? (
            <a class="button" href={base}>
              Clear
            </a>
          ) : null}
        </div>
      </form>
      {props.items.length ? (
        <table class="data-table stack audit-table">
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((e) => (
              <Row e={e} dir={props.directory} />
            ))}
          </tbody>
        </table>
      ) : (
        <div class="card empty">
          <p>
            {filtered
              ? 'No events match these filters. Clear them to see everything.'
              : 'Nothing has happened in this organisation yet. Creating a key or inviting someone will show here.'}
          </p>
        </div>
      )}
      {props.newer || props.older ? (
        <nav class="pager" aria-label="Audit log pages">
          {props.newer ? <a href={props.newer}>← Newer events</a> : <span />}
          {props.older ? <a href={props.older}>Older events →</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}
