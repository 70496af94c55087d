// Paperwork and workspace settings in the HTTP API: document templates, the tracked link's
// page (`/d/{token}`, no login), and `/settings` (the Butler's activation, the default country).
import { z } from 'zod';
import type { DocumentLinkService, PageOutcome, Visit } from '#shared/crm/document-links.ts';
import type { DocumentTemplateService } from '#shared/crm/document-templates.ts';
import { parseWith } from '#shared/crm/records.ts';
import { SettingsPatch, type SettingsService, SettingsView } from '#shared/crm/settings.ts';
import { DocumentPreview, DocumentPreviewInput, DocumentTemplateInput, DocumentTemplatePatch } from '#shared/domain/documents.ts';
import { NotFound } from '#shared/errors.ts';
import { recordMeta } from './crm-routes.ts';
import { documentPage, linkNotFoundPage, notSignablePage, tooManyRequestsPage } from './document-page.ts';
import type { Reply, Route, RouteRequest } from './router.ts';

const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(2000).optional() });
const Template = z.looseObject({ ...DocumentTemplateInput.shape, ...recordMeta });

const ok = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ status, body, ...(headers ? { headers } : {}) });

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
    {
      method: 'POST',
      path: '/document-templates/{id}/preview',
      tag,
      summary: 'Render a template for one record (admins), escaped as the link’s page shows it, with no side effect; `body` previews an unsaved edit',
      body: DocumentPreviewInput,
      response: DocumentPreview,
      status: 200,
      handle: async (request) => ok(await templates.preview(request.params.id!, request.body, request.caller)),
    },
  ];
}

function visitOf(request: RouteRequest): Visit {
  return { ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}), ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}) };
}

function pageFor(outcome: PageOutcome): Reply {
  switch (outcome.kind) {
    case 'notFound':
      return linkNotFoundPage();
    case 'tooMany':
      return tooManyRequestsPage();
    case 'notSignable':
      return notSignablePage(String(outcome.document.title));
    case 'document':
      return documentPage({
        title: String(outcome.document.title),
        body: typeof outcome.document.body === 'string' ? outcome.document.body : '',
        signable: outcome.signable,
        ...(typeof outcome.document.signedByRecipientAt === 'string' ? { signedByRecipientAt: outcome.document.signedByRecipientAt } : {}),
        ...(outcome.signedNow ? { notice: 'Thank you: the document is signed.' } : {}),
      });
  }
}

/** A document deleted between reading its link and showing it is a link that opens nothing. */
async function page(run: () => Promise<PageOutcome>): Promise<Reply> {
  try {
    return pageFor(await run());
  } catch (error) {
    if (error instanceof NotFound) return linkNotFoundPage();
    throw error;
  }
}

/** What the link's page answers; a wrong, foreign or expired token gets the same 404 page, never saying which. */
const linkPages = {
  404: 'A plain page: this link does not open a document (wrong, withdrawn or expired token)',
  429: 'A plain page: too many requests for this link; Retry-After says when to try again',
};

export function documentLinkRoutes(links: DocumentLinkService): Route[] {
  return [
    {
      method: 'GET',
      path: '/d/{token}',
      tag: 'documents',
      summary: 'The page of a tracked document link (no login): shows the document and records the view once per recipient and day',
      status: 200,
      open: true,
      pages: { 200: 'The document as it was sent, with a Sign button when the recipient may sign; a strict Content-Security-Policy, no script', ...linkPages },
      handle: async (request) => page(() => links.open(request.params.token!, visitOf(request))),
    },
    {
      method: 'POST',
      path: '/d/{token}',
      tag: 'documents',
      summary: 'Sign the document as its recipient from the link’s page, when its template asks for it',
      status: 200,
      open: true,
      pages: {
        200: 'The document page again, saying it is signed (signing twice changes nothing)',
        409: 'A plain page: this document is not signed online (its template asks no recipient signature)',
        ...linkPages,
      },
      handle: async (request) => page(() => links.sign(request.params.token!, visitOf(request))),
    },
  ];
}

export function settingsRoutes(settings: SettingsService): Route[] {
  return [
    {
      method: 'GET',
      path: '/settings',
      tag: 'settings',
      summary: 'Workspace settings (admins): whether the Butler is activated (and when it was switched), the default country for phones',
      response: SettingsView,
      status: 200,
      handle: async (request) => ok(await settings.get(request.caller)),
    },
    {
      method: 'PATCH',
      path: '/settings',
      tag: 'settings',
      summary: 'Activate the Butler or set the default country (admins); a switch applies from then on and is recorded',
      body: SettingsPatch,
      response: SettingsView,
      status: 200,
      handle: async (request) => ok(await settings.update(request.body, request.caller)),
    },
  ];
}
