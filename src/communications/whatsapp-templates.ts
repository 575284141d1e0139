import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { multiLineText } from '../lib/http/common-schemas.ts';
import { requireRole, type Actor } from '../lib/actor.ts';
import { checkVersion } from '../lib/authorship.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { isUniqueViolation } from '../lib/pg-errors.ts';
import { TemplateLanguage, TemplateName } from './communications.schema.ts';
import { whatsappTemplates, type WhatsappTemplateRow } from './communications.tables.ts';

/** Workspace settings: the Meta-approved templates that may be sent outside the 24-hour window. */

export const TemplateCategory = z.enum(['marketing', 'utility', 'authentication']).meta({ description: "Meta's category; a marketing template is only sent with purpose marketing" });

export const WhatsappTemplateCreate = z
  .object({ name: TemplateName, language: TemplateLanguage, category: TemplateCategory, body: multiLineText(1024).min(1) })
  .strict().meta({ id: 'WhatsappTemplateCreate' });
export type WhatsappTemplateCreate = z.infer<typeof WhatsappTemplateCreate>;

export const WhatsappTemplateUpdate = z
  .object({ category: TemplateCategory.optional(), body: multiLineText(1024).min(1).optional() })
  .strict().meta({ id: 'WhatsappTemplateUpdate' });
export type WhatsappTemplateUpdate = z.infer<typeof WhatsappTemplateUpdate>;

export const WhatsappTemplate = z.object({
  id: z.uuid(),
  name: z.string(),
  language: z.string(),
  category: TemplateCategory,
  body: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'WhatsappTemplate' });
export type WhatsappTemplate = z.infer<typeof WhatsappTemplate>;

const present = (row: WhatsappTemplateRow): WhatsappTemplate => ({
  id: row.id,
  name: row.name,
  language: row.language,
  category: row.category,
  body: row.body,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  version: Number(row.version),
});

const key = (workspaceId: string, id: string) => and(eq(whatsappTemplates.workspaceId, workspaceId), eq(whatsappTemplates.id, id));

export function makeWhatsappTemplatesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function getRow(tx: Db, actor: Actor, id: string): Promise<WhatsappTemplateRow> {
    const [row] = await tx.select().from(whatsappTemplates).where(key(actor.workspaceId, id)).limit(1);
    if (!row) throw notFound('WhatsApp template', id);
    return row;
  }

  return {
    /** Every template of the workspace, by name and language (a short settings list). */
    async list(actor: Actor): Promise<WhatsappTemplate[]> {
      const rows = await db
        .select()
        .from(whatsappTemplates)
        .where(eq(whatsappTemplates.workspaceId, actor.workspaceId))
        .orderBy(asc(whatsappTemplates.name), asc(whatsappTemplates.language));
      return rows.map(present);
    },

    async get(actor: Actor, id: string): Promise<WhatsappTemplate> {
      return present(await getRow(db, actor, id));
    },

    /** Adds a template (admin); name + language is unique in the workspace. */
    async create(actor: Actor, input: WhatsappTemplateCreate): Promise<WhatsappTemplate> {
      requireRole(actor, 'admin');
      const now = clock.now();
      try {
        const [row] = await db
          .insert(whatsappTemplates)
          .values({ workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), ...input, createdAt: now, updatedAt: now })
          .returning();
        return present(row!);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw new AppError('whatsapp_template_exists', `Template "${input.name}" in ${input.language} already exists`, {
          status: 409,
          errors: [{ pointer: '/name', code: 'duplicate', message: 'already defined in this language' }],
        });
      }
    },

    async update(actor: Actor, id: string, patch: WhatsappTemplateUpdate, opts: { ifMatch?: number } = {}): Promise<WhatsappTemplate> {
      requireRole(actor, 'admin');
      return db.transaction(async (tx) => {
        checkVersion('template', await getRow(tx, actor, id), opts.ifMatch);
        const [row] = await tx
          .update(whatsappTemplates)
          .set({ ...patch, updatedAt: clock.now(), version: sql`${whatsappTemplates.version} + 1` })
          .where(key(actor.workspaceId, id))
          .returning();
        return present(row!);
      });
    },

    /** Removes a template; messages already sent with it keep its name and text. */
    async remove(actor: Actor, id: string): Promise<void> {
      requireRole(actor, 'admin');
      await getRow(db, actor, id);
      await db.delete(whatsappTemplates).where(key(actor.workspaceId, id));
    },
  };
}

export type WhatsappTemplatesService = ReturnType<typeof makeWhatsappTemplatesService>;
