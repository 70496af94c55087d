// Documents in the HTTP API beyond their record routes: signing and viewing as a caller, and the tracked
// link's page (`/d/{token}`, no login) where the recipient reads and signs.
import { z } from 'zod';
import type { DocumentLinkService, PageOutcome, Visit } from '#shared/crm/document-links.ts';
import type { RecordService } from '#shared/crm/records.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { NotFound } from '#shared/errors.ts';
import { documentPage, linkNotFoundPage, notSignablePage, tooManyRequestsPage } from '../document-page.ts';
import type { Reply, Route, RouteRequest } from '../router.ts';
import { ok, recordResponse } from './shapes.ts';

const SignInput = z.strictObject({ party: z.enum(['sender', 'recipient']) });

export function documentRoutes(records: RecordService): Route[] {
  return [
    {
      method: 'POST',
      path: '/documents/{id}/sign',
      tag: 'documents',
      summary: 'Sign a document as sender or recipient; signing twice changes nothing',
      body: SignInput,
      response: recordResponse('document'),
      status: 200,
      handle: async (request) => {
        const { party } = parseWith(SignInput, request.body);
        return ok(await records.sign(request.params.id!, party, request.caller, request.expectedVersion));
      },
    },
    {
      method: 'POST',
      path: '/documents/{id}/view',
      tag: 'documents',
      summary: 'Record that the recipient viewed a document',
      response: recordResponse('document'),
      status: 200,
      handle: async (request) => ok(await records.view(request.params.id!, request.caller, request.expectedVersion)),
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
