import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
});
afterAll(() => t?.close());

/** The routes the management API promises; paths relative to /api/v1. */
const PROMISED_ROUTES: [string, string, string][] = [
  ['get', '/orgs/{org}/keys', '200'],
  ['post', '/orgs/{org}/keys', '201'],
  ['post', '/orgs/{org}/keys/import', '201'],
  ['get', '/orgs/{org}/keys/{id}', '200'],
  ['patch', '/orgs/{org}/keys/{id}', '200'],
  ['post', '/orgs/{org}/keys/{id}/rotate', '200'],
  ['post', '/orgs/{org}/keys/{id}/revoke', '200'],
  ['delete', '/orgs/{org}/keys/{id}', '204'],
  ['get', '/orgs/{org}/keys/{id}/usage', '200'],
  ['get', '/orgs/{org}/usage', '200'],
  ['get', '/orgs/{org}/audit-events', '200'],
  ['get', '/orgs/{org}/federations', '200'],
  ['post', '/orgs/{org}/federations', '201'],
  ['get', '/orgs/{org}/federations/{id}', '200'],
  ['patch', '/orgs/{org}/federations/{id}', '200'],
  ['post', '/orgs/{org}/federations/{id}/revoke', '200'],
  ['delete', '/orgs/{org}/federations/{id}', '204'],
];

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers?: { url: string }[];
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>
  >;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
};

describe('GET /api/v1/openapi.json', () => {
  let doc: Doc;
  beforeAll(async () => {
    doc = await (await api(t, 'GET', '/openapi.json')).json();
  });

  it('needs no authentication and is OpenAPI 3.1.x JSON', async () => {
    const res = await api(t, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body: Doc = await res.json();
    expect(body).toEqual(doc);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
    expect(doc.servers?.[0]?.url).toBe('http://issuer.test/api/v1');
  });

  it.each(PROMISED_ROUTES)('describes %s %s with its %s answer and problem answers', (method, path, ok) => {
    const op = doc.paths[path]?.[method];
    expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining([ok, '401', '403', '404']));
    const params = (op?.parameters ?? []).map((p) => p.name);
    for (const name of path.match(/\{(\w+)\}/g) ?? []) expect(params).toContain(name.slice(1, -1));
  });

  it('documents the bearer authentication', () => {
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

const BROWSER = { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } };

describe('GET /api/v1 (reference page)', () => {
  it('answers JSON pointing at the OpenAPI document to anything but a browser', async () => {
    const res = await api(t, 'GET', '');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      openapi: 'http://issuer.test/api/v1/openapi.json',
      reference: 'http://issuer.test/api/v1',
    });
  });

  it('is an HTML page listing every route, with no external script or style', async () => {
    const res = await api(t, 'GET', '', BROWSER);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const [, path] of PROMISED_ROUTES) expect(html).toContain(`/api/v1${path}`);
    const external = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;
    for (const [, attrs] of html.matchAll(/<script\b([^>]*)>/gi)) {
      const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(attrs ?? '')?.[1];
      expect(src === undefined || !external.test(src), `script src ${src}`).toBe(true);
    }
    for (const [, attrs] of html.matchAll(/<link\b([^>]*)>/gi)) {
      const href = /\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(attrs ?? '')?.[1];
      expect(href === undefined || !external.test(href), `link href ${href}`).toBe(true);
    }
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*["']?(?:[a-z]+:)?\/\//i);
  });

  it('shows what each route takes: parameters and body fields with their types and limits', async () => {
    const html = await (await api(t, 'GET', '', BROWSER)).text();
    const create = html
      .split('<section>')
      .find((s) => s.includes('POST</span> <code>/api/v1/orgs/{org}/keys</code>'));
    expect(create).toBeDefined();
    const row = (name: string) =>
      new RegExp(`<tr><td><code>${name}</code></td>(.*?)</tr>`).exec(create ?? '')?.[1];
    expect(row('org')).toMatch(/path.*required/);
    expect(row('name')).toMatch(/body.*required.*string, 1–100 characters/);
    expect(row('scopes')).toMatch(/body.*required.*array of string/);
    expect(row('expiresIn')).toMatch(/body.*optional.*&quot;30d&quot;.*&quot;never&quot;/);
    expect(row('tokenTtlSeconds')).toMatch(/body.*optional.*60–3600/);
    expect(row('allowedCidrs')).toMatch(/body.*optional.*array of string/);
    const list = html
      .split('<section>')
      .find((s) => s.includes('GET</span> <code>/api/v1/orgs/{org}/keys</code>'));
    expect(list).toMatch(/<code>status<\/code><\/td><td>query<\/td><td>optional<\/td><td>&quot;active&quot;/);
  });
});
