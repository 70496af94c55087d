// The CRM records in the HTTP API (docs/ARCHITECTURE.md §8): create, list (with each type's filters), read,
// change, delete, and a record's history.
import { z } from 'zod';
import type { CrmRecordType, RecordService } from '#shared/crm/records.ts';
import { Id, createSchemas, ownerTypes, patchSchemas } from '#shared/domain/entities.ts';
import { normaliseSearch } from '#shared/domain/search.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { ListOptions } from '#shared/store/records.ts';
import type { Route } from '../router.ts';
import { Cursor, Limit, ListQuery, ShownActor, etag, ok, pageOf, recordResponse } from './shapes.ts';

export const collections: Record<CrmRecordType, string> = {
  contact: 'contacts',
  company: 'companies',
  lead: 'leads',
  deal: 'deals',
  activity: 'activities',
  document: 'documents',
};

/** Text search (`q`): what the record is found by is in shared/domain/search.ts. */
const SearchText = z
  .string()
  .max(100)
  .transform((value, ctx) => {
    const text = normaliseSearch(value);
    if (!text) ctx.addIssue({ code: 'custom', message: 'a text to search for (letters or digits)' });
    return text;
  })
  .optional();
/** Filters a board's totals (routes/pipelines.ts) share with its columns. */
export const DealFilters = { responsibleId: Id.optional(), q: SearchText };
const DealListQuery = z
  .strictObject({
    limit: Limit,
    cursor: Cursor,
    pipelineId: z.string().optional(),
    stageId: z.string().optional(),
    contactId: Id.optional(),
    companyId: Id.optional(),
    ...DealFilters,
  })
  .refine((query) => !query.stageId || query.pipelineId, { path: ['stageId'], message: 'filter by stageId together with pipelineId' })
  .refine((query) => [query.pipelineId, query.contactId, query.companyId].filter(Boolean).length <= 1, {
    path: ['contactId'],
    message: 'filter by one of pipelineId, contactId and companyId',
  });
const ActivityListQuery = z
  .strictObject({
    limit: Limit,
    cursor: Cursor,
    entityType: z.enum(ownerTypes).optional(),
    entityId: Id.optional(),
    status: z.enum(['open', 'completed']).optional(),
  })
  .refine((query) => Boolean(query.entityType) === Boolean(query.entityId), {
    path: ['entityId'],
    message: 'entityType and entityId go together',
  });
const HistoryQuery = ListQuery;
const HistoryEntry = z.object({
  at: z.string(),
  actor: ShownActor,
  action: z.enum(['created', 'updated', 'deleted', 'stageChanged']),
  changes: z.record(z.string(), z.object({ from: z.unknown().optional(), to: z.unknown().optional() })),
});
/** The filters every listing may add to its key range: the responsible person and a search text. */
export function filtersOf(query: Record<string, unknown>): Pick<ListOptions, 'where' | 'search'> {
  return {
    ...(typeof query.responsibleId === 'string' ? { where: { responsibleId: query.responsibleId } } : {}),
    ...(typeof query.q === 'string' ? { search: query.q } : {}),
  };
}

function listOptions(type: CrmRecordType, query: Record<string, unknown>): ListOptions {
  const base = {
    ...(query.limit ? { limit: Number(query.limit) } : {}),
    ...(query.cursor ? { cursor: String(query.cursor) } : {}),
    ...filtersOf(query),
  };
  if (type === 'deal' && query.pipelineId) {
    return {
      ...base,
      filter: query.stageId
        ? { by: 'board', pipelineId: String(query.pipelineId), stageId: String(query.stageId) }
        : { by: 'pipeline', pipelineId: String(query.pipelineId) },
    };
  }
  if (type === 'deal' && query.contactId) return { ...base, filter: { by: 'contact', contactId: String(query.contactId) } };
  if ((type === 'deal' || type === 'contact') && query.companyId) return { ...base, filter: { by: 'company', companyId: String(query.companyId) } };
  if (type === 'activity' && query.entityId) {
    return {
      ...base,
      filter: {
        by: 'owner',
        ownerType: String(query.entityType),
        ownerId: String(query.entityId),
        ...(query.status ? { status: String(query.status) } : {}),
      },
    };
  }
  if (type === 'activity' && query.status) return { ...base, where: { status: String(query.status) } };
  if (type === 'document' && query.entityId) {
    return { ...base, filter: { by: 'owner', ownerType: String(query.entityType), ownerId: String(query.entityId) } };
  }
  return base;
}

/** Records carrying e-mails and phones can be looked up by one: the duplicate check before creating. */
const contactPointFields = { limit: Limit, cursor: Cursor, email: z.string().max(320).optional(), phone: z.string().max(40).optional(), q: SearchText };
const oneLookup = (query: { email?: string | undefined; phone?: string | undefined; q?: string | undefined }, ctx: z.RefinementCtx) => {
  const given = (['email', 'phone', 'q'] as const).filter((name) => Boolean(query[name]));
  for (const extra of given.slice(1)) ctx.addIssue({ code: 'custom', path: [extra], message: `filter by one of email, phone and q (${given[0]} is given)` });
};
const ContactPointListQuery = z.strictObject(contactPointFields).superRefine(oneLookup);
/** Contacts also by their company (q filters within it); an e-mail or phone lookup names its records whatever their company. */
const ContactListQuery = z
  .strictObject({ ...contactPointFields, companyId: Id.optional() })
  .superRefine(oneLookup)
  .superRefine((query, ctx) => {
    if (query.companyId && (query.email || query.phone)) ctx.addIssue({ code: 'custom', path: ['companyId'], message: 'filter by companyId or look up by email or phone, not both' });
  });

/** A record's documents, as the console's record page lists them. */
const DocumentListQuery = z
  .strictObject({ limit: Limit, cursor: Cursor, entityType: z.enum(ownerTypes).optional(), entityId: Id.optional() })
  .refine((query) => Boolean(query.entityType) === Boolean(query.entityId), { path: ['entityId'], message: 'entityType and entityId go together' });

const listQueries: Partial<Record<CrmRecordType, z.ZodType>> = {
  deal: DealListQuery,
  activity: ActivityListQuery,
  document: DocumentListQuery,
  contact: ContactListQuery,
  company: ContactPointListQuery,
  lead: ContactPointListQuery,
};

const searchHelp: Partial<Record<CrmRecordType, string>> = {
  deal:
    '; pipelineId (+ stageId: a board column), contactId or companyId choose the deals; responsibleId and q (text in the title or the contact\'s name, any case or accents) filter them, reading at most 1,000 deals a call (a short page with a cursor means: read on)',
  contact:
    "; companyId chooses a company's contacts; q finds text in the name, e-mails and phones (reading at most 1,000 contacts a call); email and phone look one up exactly",
  company: '; q finds text in the name, e-mails and phones (reading at most 1,000 companies a call); email and phone look one up exactly',
  lead: '; q finds text in the title, name, source, e-mails and phones (reading at most 1,000 leads a call); email and phone look one up exactly',
};

function recordRoutesOf(type: CrmRecordType, records: RecordService): Route[] {
  const path = `/${collections[type]}`;
  const tag = collections[type];
  const listQuery = listQueries[type] ?? ListQuery;
  return [
    {
      method: 'POST',
      path,
      tag,
      summary: `Create a ${type}`,
      body: createSchemas[type],
      response: recordResponse(type),
      status: 201,
      handle: async (request) => {
        const record = await records.create(type, request.body, request.caller);
        return ok(record, 201, { ...etag(record), location: `${path}/${record.id}` });
      },
    },
    {
      method: 'GET',
      path,
      tag,
      summary: `List ${collections[type]}, newest first${searchHelp[type] ?? ''}`,
      query: listQuery,
      response: pageOf(recordResponse(type)),
      status: 200,
      handle: async (request) => {
        const query = parseWith(listQuery, request.query, 'query') as Record<string, unknown>;
        if (typeof query.email === 'string') return ok(await records.findByContactPoint(type, 'email', query.email));
        // A `+` sent unencoded in a query string arrives as a space (`?phone=+4930…`): it was the number's `+`.
        if (typeof query.phone === 'string') return ok(await records.findByContactPoint(type, 'phone', query.phone.replace(/^ (?=\d)/, '+')));
        return ok(await records.list(type, listOptions(type, query)));
      },
    },
    {
      method: 'GET',
      path: `${path}/{id}`,
      tag,
      summary: `Read a ${type}`,
      response: recordResponse(type),
      status: 200,
      handle: async (request) => {
        const record = await records.get(type, request.params.id!);
        return ok(record, 200, etag(record));
      },
    },
    {
      method: 'PATCH',
      path: `${path}/{id}`,
      tag,
      summary: type === 'deal' ? 'Change a deal; a stage move is {"stageId": "…"}' : `Change a ${type}; null clears an optional field`,
      body: patchSchemas[type],
      response: recordResponse(type),
      status: 200,
      handle: async (request) => {
        const record = await records.update(type, request.params.id!, request.body, request.caller, request.expectedVersion);
        return ok(record, 200, etag(record));
      },
    },
    {
      method: 'DELETE',
      path: `${path}/{id}`,
      tag,
      summary: `Delete a ${type}; its history stays readable`,
      status: 204,
      handle: async (request) => {
        await records.remove(type, request.params.id!, request.caller, request.expectedVersion);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: `${path}/{id}/history`,
      tag,
      summary: `History of a ${type}, newest first (also after it was deleted)`,
      query: HistoryQuery,
      response: pageOf(HistoryEntry),
      status: 200,
      handle: async (request) => {
        const query = parseWith(HistoryQuery, request.query, 'query');
        const page = await records.history(type, request.params.id!, query);
        return ok({ items: page.items.map(({ cause: _cause, ...entry }) => entry), ...(page.cursor ? { cursor: page.cursor } : {}) });
      },
    },
  ];
}

/** Every CRM record type's routes, under its collection's path (`/contacts`, `/deals`, …). */
export function recordRoutes(records: RecordService): Route[] {
  return (Object.keys(collections) as CrmRecordType[]).flatMap((type) => recordRoutesOf(type, records));
}
