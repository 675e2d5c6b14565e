import fc from 'fast-check';
import { hostileJson, hostileString, shortHostileString } from './hostile-input';
import { isFreeOfMarkers } from './internal-text';

/**
 * Random GraphQL documents: some built from the gateway's real schema (subjects,
 * createSubject, renameSubject, deleteSubject) with aliases, fragments, directives,
 * variables and nesting right and wrong; some streams of random tokens and characters.
 */

/** A GraphQL name; refusals quote names back, so none may read as internal text. */
const gqlName = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,10}$/).filter(isFreeOfMarkers);

/** A string literal (JSON's escapes are GraphQL's too; an escaped lone surrogate is a syntax error). */
const stringLiteral = hostileString.map((s) => JSON.stringify(s));

/** Literals of the wrong kind for any argument. */
const wrongLiteral = fc.constantFrom(
  '$undeclared',
  '"""block\n  "string" \\u0000"""',
  '123',
  '-0',
  '99999999999999999999999',
  '1e400',
  '0.5',
  'true',
  'null',
  'ENUM_VALUE',
  '[]',
  '["a", 1, null]',
  '{a: 1}',
);

/** The root fields of each operation type, the arguments each takes, what introspection selects. */
const QUERY_FIELDS = ['subjects', '__typename', '__schema', '__type'];
const MUTATION_FIELDS = ['createSubject', 'renameSubject', 'deleteSubject', '__typename'];
const ROOT_ARGS: Record<string, string[]> = {
  subjects: [],
  createSubject: ['name'],
  renameSubject: ['id', 'name'],
  deleteSubject: ['id'],
  __typename: [],
  __schema: [],
  __type: ['name'],
};
const INTROSPECTION_SELECTIONS: Record<string, string[]> = {
  __schema: ['{ queryType { name } }', '{ types { name fields { name } } }'],
  __type: ['{ name }', '{ name fields { name type { name } } }'],
};

export interface DocumentPieces {
  /** Document text. */
  query: string;
  /** Names of operations defined in it. */
  operations: string[];
}

/**
 * Documents from the gateway's schema. Valid ones reach the resolvers with hostile
 * names, ids and variables; bent ones are mostly valid, with the usual ways of getting
 * a document wrong mixed in at every step.
 */
export function schemaDocument(ids: string[], bent: boolean): fc.Arbitrary<DocumentPieces> {
  /** `right`; when bent, one time in `1 + odds` something from `wrong`. */
  const mostly = <T>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>, odds = 8): fc.Arbitrary<T> =>
    bent ? fc.oneof({ weight: odds, arbitrary: right }, { weight: 1, arbitrary: wrong }) : right;
  const directive = mostly(
    fc.constant(''),
    fc.constantFrom(' @include(if: $b)', ' @skip(if: true)', ' @include(if: "yes")', ' @unknown', ' @skip'),
    6,
  );
  const alias = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: gqlName.map((a) => `${a}: `) },
  );
  const argValue: Record<string, fc.Arbitrary<string>> = {
    name: mostly(fc.oneof(stringLiteral, fc.constant('$name'), fc.constant('"subject"')), wrongLiteral),
    id: mostly(
      fc.oneof(
        fc.constantFrom(...ids).map((id) => JSON.stringify(id)),
        fc.constant('$id'),
        stringLiteral,
      ),
      wrongLiteral,
    ),
  };

  // A Subject's selection: its fields, fragments, and now and then nesting that is wrong.
  const { subjectSelection } = fc.letrec<{ subjectSelection: string; item: string }>((tie) => ({
    subjectSelection: fc
      .array(tie('item'), { minLength: 1, maxLength: 4 })
      .map((items) => `{ ${items.join(' ')} }`),
    item: mostly(
      fc.oneof(
        {
          weight: 15,
          arbitrary: fc
            .tuple(alias, fc.constantFrom('id', 'name', '__typename'), directive)
            .map(([a, f, d]) => `${a}${f}${d}`),
        },
        { weight: 1, arbitrary: fc.constantFrom('...S', '... on Subject { id }') },
      ),
      fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('...Missing', '... on Query { subjects { id } }'),
        gqlName,
        fc
          .tuple(fc.constantFrom('id', 'name', 'subjects'), tie('subjectSelection'))
          .map(([f, s]) => `${f} ${s}`),
      ),
      10,
    ),
  }));

  const args = (field: string) => {
    const names = ROOT_ARGS[field] ?? [];
    const right = fc
      .tuple(...names.map((n) => argValue[n] ?? stringLiteral))
      .map((values) =>
        names.length === 0 ? '' : `(${names.map((n, i) => `${n}: ${values[i]}`).join(', ')})`,
      );
    const wrong = fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom('name', 'id', 'extra'), gqlName),
          fc.oneof(stringLiteral, wrongLiteral),
        ),
        {
          maxLength: 3,
        },
      )
      .map((pairs) => (pairs.length === 0 ? '' : `(${pairs.map(([n, v]) => `${n}: ${v}`).join(', ')})`));
    return mostly(right, wrong);
  };

  const selectionFor = (field: string): fc.Arbitrary<string> => {
    if (field === 'deleteSubject' || field === '__typename') return mostly(fc.constant(''), subjectSelection);
    if (field === '__schema' || field === '__type')
      return mostly(fc.constantFrom(...(INTROSPECTION_SELECTIONS[field] ?? [])), fc.constant(''));
    return mostly(subjectSelection, fc.constant(''));
  };

  const rootField = (fields: string[], others: string[]) =>
    mostly(
      fc
        .constantFrom(...fields)
        .chain((f) =>
          fc
            .tuple(alias, args(f), directive, selectionFor(f))
            .map(([a, ar, d, sel]) => `${a}${f}${ar}${d} ${sel}`),
        ),
      fc.oneof(
        fc.constantFrom(...others).map((f) => `${f} { id }`),
        fc.constantFrom('...Q', '...M', '... { __typename }'),
        fc.tuple(gqlName, fc.option(subjectSelection, { nil: '' })).map(([f, sel]) => `${f} ${sel}`),
      ),
      12,
    );

  // Declarations for the variables an operation uses: mostly right, sometimes wrong.
  const declarations = (text: string) => {
    const used = [...new Set([...text.matchAll(/\$(\w+)/g)].map((m) => m[1] as string))].filter(
      (v) => v !== 'undeclared',
    );
    return fc
      .tuple(
        fc.array(mostly(fc.constant(true), fc.constant(false), 10), {
          minLength: used.length,
          maxLength: used.length,
        }),
        mostly(
          fc.constant([] as string[]),
          fc.subarray(['$n: Int', '$bad: Unknown', '$name: Int'], { minLength: 1 }),
          10,
        ),
      )
      .map(([right, extra]) => {
        const defs = used.map((v, i) => `$${v}: ${right[i] ? (VARIABLE_TYPES[v] ?? 'String') : 'Subject'}`);
        const all = [...defs, ...extra];
        return all.length === 0 ? '' : `(${all.join(', ')})`;
      });
  };

  const operation = mostly(
    fc.constantFrom('query', 'mutation', ''),
    fc.constantFrom('subscription', 'query query', 'fragment'),
    10,
  ).chain((kind) => {
    const mutation = kind === 'mutation';
    const fields = mutation ? MUTATION_FIELDS : QUERY_FIELDS;
    const others = mutation ? QUERY_FIELDS : MUTATION_FIELDS;
    return fc
      .tuple(
        fc.option(gqlName, { nil: undefined }),
        fc.array(rootField(fields, others), { minLength: 1, maxLength: 3 }),
      )
      .chain(([name, selections]) => {
        const selection = `{ ${selections.join(' ')} }`;
        if (kind === '') return fc.constant({ text: selection, name: undefined });
        return declarations(selection).map((vars) => ({
          text: `${kind} ${name ?? ''}${vars} ${selection}`,
          name,
        }));
      });
  });

  // Fragments the operations spread are defined (mostly); a few broken ones come along.
  const fragments = (text: string) =>
    fc
      .tuple(
        mostly(fc.constant(true), fc.constant(false)),
        mostly(fc.constant([] as string[]), fc.subarray(BROKEN_FRAGMENTS, { minLength: 1, maxLength: 2 })),
      )
      .map(([define, broken]) => {
        const spread = new Set([...text.matchAll(/\.\.\.([A-Z]\w*)/g)].map((m) => m[1] as string));
        if (spread.has('Q') || spread.has('M')) spread.add('S');
        return [...(define ? [...spread].flatMap((f) => FRAGMENTS[f] ?? []) : []), ...broken];
      });

  return mostly(
    fc.array(operation, { minLength: 1, maxLength: 1 }),
    fc.array(operation, { minLength: 2, maxLength: 3 }),
    5,
  ).chain((ops) => {
    const text = ops.map((o) => o.text).join('\n');
    return fragments(text).map((frags) => ({
      query: [text, ...frags].join('\n'),
      operations: ops.flatMap((o) => (o.name ? [o.name] : [])),
    }));
  });
}

const VARIABLE_TYPES: Record<string, string> = { name: 'String!', id: 'ID!', b: 'Boolean = true', n: 'Int' };

const FRAGMENTS: Record<string, string> = {
  S: 'fragment S on Subject { id name }',
  Q: 'fragment Q on Query { subjects { ...S } }',
  M: 'fragment M on Mutation { createSubject(name: $name) { ...S } }',
};

const BROKEN_FRAGMENTS = [
  'fragment Loop on Subject { ...Loop }',
  'fragment S on Subject { name }',
  'fragment W on Nothing { id }',
  'fragment Unused on Query { __typename }',
];

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '$',
  '!',
  '=',
  '@',
  '...',
  '|',
  '&',
  ',',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'subjects',
  'createSubject',
  'renameSubject',
  'deleteSubject',
  'id',
  'name',
  '__typename',
  '"str"',
  '"""block"""',
  '"unterminated',
  '123',
  '1e400',
  '0x10',
  'true',
  'null',
  '#comment\n',
  '\\u0000',
  '\u0000',
  '\uD800',
  '\uFEFF',
];

/** Streams of GraphQL tokens and stray characters: what the parser must refuse calmly. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, shortHostileString), {
      minLength: 1,
      maxLength: 40,
    }),
    fc.constantFrom(' ', '', '\n'),
  )
  .map(([tokens, sep]) => tokens.join(sep))
  .filter(isFreeOfMarkers);

/** Documents past the abuse limits: too deep, too many fields, too many tokens. */
export const abusiveDocument = fc.oneof(
  fc.integer({ min: 9, max: 40 }).map((n) => `{ subjects ${'{ id '.repeat(n)}${'}'.repeat(n)} }`),
  fc
    .integer({ min: 90, max: 400 })
    .map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: subjects { id }`).join(' ')} }`),
  fc.integer({ min: 5_000, max: 30_000 }).map((n) => `{ subjects { ${'id '.repeat(n)}} }`),
  fc
    .integer({ min: 1, max: 200 })
    .map(
      (n) =>
        `{ subjects { ...F${n} } } ${Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Subject { ${i === 0 ? 'id' : `...F${i}`} }`).join(' ')}`,
    ),
);

/** Strings the resolvers must refuse: PostgreSQL cannot store them, or they break the name rules. */
const REFUSED_NAMES = ['a\u0000b', '\u0000', 'x\uD800', '\uDC00y', 'x'.repeat(101), '   ', ''];

/**
 * Variables for a document: each variable it uses given (mostly) a value, right or
 * wrong in type, hostile in content; now and then something that is not an object.
 */
export function variables(ids: string[], query: string): fc.Arbitrary<unknown> {
  const used = [...new Set([...query.matchAll(/\$(\w+)/g)].map((m) => m[1] as string))];
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: fc.constantFrom(...REFUSED_NAMES) },
    { weight: 2, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: hostileJson },
    { weight: 1, arbitrary: fc.constantFrom(1e308, -0, 2 ** 53 + 1, 2 ** 31, null, [], {}) },
  );
  const forUsed = fc
    .tuple(fc.subarray(used), fc.array(value, { minLength: used.length, maxLength: used.length }))
    .map(([given, values]) => Object.fromEntries(given.map((name, i) => [name, values[i]])));
  return fc.oneof(
    { weight: 8, arbitrary: forUsed },
    { weight: 1, arbitrary: fc.dictionary(shortHostileString, value, { maxKeys: 3 }) },
    { weight: 1, arbitrary: hostileJson },
  );
}
