/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

/** A copy-ready block of code with its Copy button (named after what it copies). */
export function Snippet(props: { id: string; label: string; rows: number; text: string }) {
  return (
    <>
      <textarea
        id={props.id}
        readonly
        rows={props.rows}
        class="code snippet"
        wrap="off"
        aria-label={props.label}
      >
        {props.text}
      </textarea>
      <div class="actions">
        <button type="button" data-copy={props.id}>
          Copy<span class="visually-hidden">{` the ${props.label}`}</span>
        </button>
      </div>
    </>
  );
}
