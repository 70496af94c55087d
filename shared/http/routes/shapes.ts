// What every resource's routes share: pages and their queries, the shape of a record in replies, actors,
// and the reply helpers.
import { z } from 'zod';
import { type Entity, type SchemaType, createSchemas } from '#shared/domain/entities.ts';
import type { Reply } from '../router.ts';

export const Limit = z.coerce.number().int().min(1).max(100).optional();
export const Cursor = z.string().max(2000).optional();
export const ListQuery = z.strictObject({ limit: Limit, cursor: Cursor });

export const Actor = z.object({ kind: z.enum(['user', 'butler']), id: z.string(), via: z.record(z.string(), z.string()).optional() });
/** An actor as history and run steps show it: with the user's (or the Butler's) name and icon as they are now. */
export const ShownActor = Actor.extend({ name: z.string(), icon: z.string().optional() });
export const recordMeta = {
  id: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
};
/** Fields the API sets itself, beyond those a caller writes. */
const serverFields: Partial<Record<SchemaType, z.ZodRawShape>> = {
  document: {
    signedBySenderAt: z.string().optional(),
    signedByRecipientAt: z.string().optional(),
    viewedAt: z.string().optional(),
    viewCount: z.number().int().optional(),
    lastViewedBy: z.string().optional(),
    signedByRecipient: z.string().optional(),
    body: z.string().optional(),
    kind: z.string().optional(),
    parties: z.array(z.enum(['sender', 'recipient'])).optional(),
    pipelineId: z.string().optional(),
    templateVersion: z.number().int().optional(),
  },
  user: { kind: z.enum(['human', 'butler']) },
};
/**
 * Replies name every documented field and may carry more (custom fields live under `fields`). Reply schemas only
 * document (/openapi.json is written at build time), so they are built when first read, not at the api's init.
 */
export const recordResponse = (type: SchemaType, extra: z.ZodRawShape = {}) =>
  z.lazy(() => z.looseObject({ ...(createSchemas[type] as z.ZodObject).shape, ...serverFields[type], ...recordMeta, ...extra }));
export const pageOf = (item: z.ZodType) => z.lazy(() => z.object({ items: z.array(item), cursor: z.string().optional() }));

/** `If-Match` travels as an ETag: the version in quotes. */
export const etag = (record: Entity) => ({ etag: `"${record.version}"` });

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ status, body, ...(headers ? { headers } : {}) });
