/**
 * Whether an ID token's `sub` matches a federation's subject pattern. Both are split on
 * `:` and must have as many parts; in each pattern part `*` stands for any run of
 * characters except `:` (it never spans parts, so `repo:acme/*:ref:*` cannot match
 * `repo:acme/x:environment:prod:ref:y`). A null pattern matches every subject.
 */
export function matchesSubjectPattern(pattern: string | null, sub: string): boolean {
  if (pattern === null) return true;
  const want = pattern.split(':');
  const got = sub.split(':');
  if (want.length !== got.length) return false;
  return want.every((part, i) => partMatches(part, got[i] as string));
}

/** One part, with `*` matching any (possibly empty) run; a plain glob, no regex built from input. */
function partMatches(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === text;
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  // The middle pieces are found left to right, each as early as possible: with only
  // `*` between them, the earliest match never loses a match a later one would find.
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
