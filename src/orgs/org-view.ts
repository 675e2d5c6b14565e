import type { OrgRow } from '../db/schema/index';

export interface OrgView {
  id: string;
  slug: string;
  name: string;
  maxActiveKeys: number;
  createdAt: string;
}

export const toOrgView = (o: OrgRow): OrgView => ({
  id: o.id,
  slug: o.slug,
  name: o.name,
  maxActiveKeys: o.maxActiveKeys,
  createdAt: o.createdAt.toISOString(),
});
