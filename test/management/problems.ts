import { expect } from 'vitest';

/** What an API user checks on any RFC 9457 answer of /api/v1. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

export async function expectProblem(res: Response, status: number, suffix: string): Promise<ProblemBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ProblemBody;
  expect(body.type.endsWith(`:${suffix}`), `type ${body.type} should end in :${suffix}`).toBe(true);
  expect(body.status).toBe(status);
  expect(body.title).toEqual(expect.any(String));
  expect(body.detail).toEqual(expect.stringMatching(/\S/));
  return body;
}

/** A 400 validation problem whose `errors` name every one of `fields` (a RegExp matches one field). */
export async function expectValidation(res: Response, ...fields: (string | RegExp)[]): Promise<ProblemBody> {
  const body = await expectProblem(res, 400, 'validation');
  expect(Array.isArray(body.errors), 'errors is an array').toBe(true);
  const errors = body.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e.field).toEqual(expect.stringMatching(/\S/));
    expect(e.message).toEqual(expect.stringMatching(/\S/));
  }
  const named = errors.map((e) => e.field);
  for (const f of fields) {
    const found = typeof f === 'string' ? named.includes(f) : named.some((n) => f.test(n));
    expect(found, `errors ${JSON.stringify(named)} should name ${String(f)}`).toBe(true);
  }
  return body;
}
