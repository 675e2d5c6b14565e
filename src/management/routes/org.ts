import { createRoute } from '@hono/zod-openapi';
import type { OrgRow } from '../../db/schema/index';
import { toOrgView } from '../../orgs/org-view';
import { updateOrg } from '../../orgs/update-org';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import {
  errorResponses,
  json,
  jsonBody,
  Org,
  OrgParam,
  OrgSettings,
  UpdateOrgSettingsBody,
} from '../schemas';

const getOrg = createRoute({
  method: 'get',
  path: '/orgs/{org}',
  summary: 'The organisation',
  tags: ['orgs'],
  request: { params: OrgParam },
  responses: { 200: json(Org, 'the organisation'), ...errorResponses },
});

const getSettings = createRoute({
  method: 'get',
  path: '/orgs/{org}/settings',
  summary: 'Key policy: limit, default and maximum expiry, whether keys may never expire',
  tags: ['orgs'],
  request: { params: OrgParam },
  responses: { 200: json(OrgSettings, 'the settings'), ...errorResponses },
});

const patchSettings = createRoute({
  method: 'patch',
  path: '/orgs/{org}/settings',
  summary: 'Change the name or key policy (org admins only)',
  tags: ['orgs'],
  request: { params: OrgParam, ...jsonBody(UpdateOrgSettingsBody) },
  responses: { 200: json(OrgSettings, 'the new settings'), ...errorResponses },
});

const settingsView = (o: OrgRow) => ({
  maxActiveKeys: o.maxActiveKeys,
  defaultExpiryDays: o.defaultExpiryDays,
  maxExpiryDays: o.maxExpiryDays,
  allowNeverExpiry: o.allowNeverExpiry,
});

export const mountOrg = (app: ApiApp) =>
  app
    .openapi(getOrg, async (c) => {
      const { org } = await orgAccess(c, c.req.valid('param').org, 'read:keys');
      return c.json(toOrgView(org), 200);
    })
    .openapi(getSettings, async (c) => {
      const { org } = await orgAccess(c, c.req.valid('param').org, 'read:keys');
      return c.json(settingsView(org), 200);
    })
    .openapi(patchSettings, async (c) => {
      const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'admin');
      const row = await updateOrg(ctx.db, ctx.now, ctx.actor, org.id, c.req.valid('json'), ctx.meta);
      return c.json(settingsView(row), 200);
    });
