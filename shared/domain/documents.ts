// Paperwork: document templates, the parties that sign,
// and the variables a template may name. Templates are Liquid over HTML; every value
// from a record is HTML-escaped when rendered, so a field cannot inject markup.
import { z } from 'zod';

export const documentKinds = ['quote', 'contract', 'invoice', 'other'] as const;
export const documentParties = ['sender', 'recipient'] as const;
export type DocumentParty = (typeof documentParties)[number];

/** Roots a document template may name: the record, its contact and company, the document and its template. */
export const documentTemplateRoots = ['deal', 'lead', 'contact', 'company', 'entity', 'document', 'template', 'now'] as const;

/** Fields of a document and of its template that templates may read (`document.title`, `template.kind`). */
export const documentVariables = [
  'id',
  'title',
  'kind',
  'templateId',
  'entityType',
  'entityId',
  'pipelineId',
  'parties',
  'createdAt',
  'signedBySenderAt',
  'signedByRecipientAt',
  'viewedAt',
  'viewCount',
  'lastViewedBy',
] as const;
export const templateVariables = ['id', 'name', 'kind', 'parties', 'subject', 'createdAt', 'updatedAt'] as const;

const Name = z.string().trim().min(1).max(200);

const Parties = z
  .array(z.enum(documentParties))
  .max(2)
  .transform((parties) => [...new Set(parties)]);

const templateFields = {
  name: Name,
  kind: z.enum(documentKinds),
  /** Liquid over HTML: `<h1>Quote for {{ deal.title }}</h1>`. */
  body: z.string().min(1).max(100_000),
  /** Who signs a document made from this template; the recipient signs from the link's page. */
  parties: Parties.default([]),
  /** Subject of the mail that carries the link (Liquid); the template's name when left out. */
  subject: z.string().min(1).max(500).optional(),
};

export const DocumentTemplateInput = z.strictObject(templateFields);
export const DocumentTemplatePatch = z
  .strictObject({
    name: Name.optional(),
    kind: z.enum(documentKinds).optional(),
    body: templateFields.body.optional(),
    parties: Parties.optional(),
    subject: templateFields.subject.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');

/** What a template would make for one record: its saved body, or the body being edited before it is saved. */
export const DocumentPreviewInput = z.strictObject({
  entityType: z.enum(['contact', 'company', 'lead', 'deal']),
  entityId: z.string().min(1).max(100),
  body: templateFields.body.optional(),
});

export const DocumentPreview = z.object({
  title: z.string(),
  body: z.string().describe('The rendered HTML, every value from a record escaped, as the link’s page shows it'),
  entityType: z.string(),
  entityId: z.string(),
});

/** How long a tracked link opens its document. */
export const DOCUMENT_LINK_DAYS = 30;
