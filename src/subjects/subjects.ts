import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/database';
import { type SubjectRow, subjects } from '../db/schema/index';
import { validDisplayName } from '../lib/display-name';
import { DomainError } from '../lib/domain-error';
import { newId } from '../lib/ids';
import { isStorableText } from '../lib/storable-text';

/** The gateway's demo records; every function is scoped to one organisation. */

const MAX_SUBJECTS_LISTED = 1000;

const validSubjectName = (raw: string): string => validDisplayName(raw);

export async function listSubjects(db: Db, orgId: string): Promise<SubjectRow[]> {
  return db
    .select()
    .from(subjects)
    .where(eq(subjects.orgId, orgId))
    .orderBy(asc(subjects.createdAt), asc(subjects.id))
    .limit(MAX_SUBJECTS_LISTED);
}

export async function createSubject(db: Db, orgId: string, name: string, now: Date): Promise<SubjectRow> {
  const [row] = await db
    .insert(subjects)
    .values({ id: newId('sub'), orgId, name: validSubjectName(name), createdAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function renameSubject(db: Db, orgId: string, id: string, name: string): Promise<SubjectRow> {
  const valid = validSubjectName(name);
  if (!isStorableText(id)) throw new DomainError('not-found', `no subject "${id}"`);
  const [row] = await db
    .update(subjects)
    .set({ name: valid })
    .where(and(eq(subjects.orgId, orgId), eq(subjects.id, id)))
    .returning();
  if (!row) throw new DomainError('not-found', `no subject "${id}"`);
  return row;
}

/** True when a subject was deleted, false when there was none with that id. */
export async function deleteSubject(db: Db, orgId: string, id: string): Promise<boolean> {
  if (!isStorableText(id)) return false;
  const gone = await db
    .delete(subjects)
    .where(and(eq(subjects.orgId, orgId), eq(subjects.id, id)))
    .returning({ id: subjects.id });
  return gone.length > 0;
}
