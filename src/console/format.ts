/** Dates as people read them in a table: UTC, to the minute. */
export const when = (iso: string | null | undefined, never = 'never'): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : never;
