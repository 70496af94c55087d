// Document templates in the HTTP API: Liquid over HTML that createDocument steps fill; admins change them.
import { z } from 'zod';
import type { DocumentTemplateService } from '#shared/crm/document-templates.ts';
import { DocumentTemplateInput, DocumentTemplatePatch } from '#shared/domain/documents.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { Route } from '../router.ts';
import { ListQuery, ok, recordMeta } from './shapes.ts';

const Template = z.looseObject({ ...DocumentTemplateInput.shape, ...recordMeta });

export function documentTemplateRoutes(templates: DocumentTemplateService): Route[] {
  const tag = 'document-templates';
  return [
    {
      method: 'POST',
      path: '/document-templates',
      tag,
      summary: 'Create a document template (admins): Liquid over HTML on the deal or lead, its contact and company',
      body: DocumentTemplateInput,
      response: Template,
      status: 201,
      handle: async (request) => {
        const template = await templates.create(request.body, request.caller);
        return ok(template, 201, { etag: `"${template.version}"`, location: `/document-templates/${template.id}` });
      },
    },
    {
      method: 'GET',
      path: '/document-templates',
      tag,
      summary: 'List document templates, newest first',
      query: ListQuery,
      response: z.object({ items: z.array(Template), cursor: z.string().optional() }),
      status: 200,
      handle: async (request) => ok(await templates.list(parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'GET',
      path: '/document-templates/{id}',
      tag,
      summary: 'Read a document template',
      response: Template,
      status: 200,
      handle: async (request) => {
        const template = await templates.get(request.params.id!);
        return ok(template, 200, { etag: `"${template.version}"` });
      },
    },
    {
      method: 'PATCH',
      path: '/document-templates/{id}',
      tag,
      summary: 'Change a document template (admins); documents made already keep the body they were sent with',
      body: DocumentTemplatePatch,
      response: Template,
      status: 200,
      handle: async (request) => {
        const template = await templates.update(request.params.id!, request.body, request.caller, request.expectedVersion);
        return ok(template, 200, { etag: `"${template.version}"` });
      },
    },
  ];
}

