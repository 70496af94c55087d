// The page a tracked document link opens: the document as it was sent, and a button to sign it
// when its template asks the recipient to. No script runs here: the Content-Security-Policy
// allows none, and everything from records is escaped.
import type { Reply } from './router.ts';

export const DOCUMENT_PAGE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': DOCUMENT_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(status: number, title: string, main: string): Reply {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
  return { status, body: html, headers: pageHeaders };
}

export interface DocumentPageInput {
  title: string;
  /** The rendered body kept with the document: its values were escaped when it was rendered. */
  body: string;
  /** The recipient may sign here (the template asks for it and they have not yet). */
  signable: boolean;
  signedByRecipientAt?: string;
  notice?: string;
}

export function documentPage(input: DocumentPageInput, status = 200): Reply {
  const signature = input.signedByRecipientAt
    ? `<p>Signed on ${escapeHtml(input.signedByRecipientAt)}.</p>`
    : input.signable
      ? '<form method="post"><button type="submit">Sign this document</button></form>'
      : '';
  return page(
    status,
    input.title,
    `<h1>${escapeHtml(input.title)}</h1>
${input.notice ? `<p>${escapeHtml(input.notice)}</p>\n` : ''}<article>
${input.body}
</article>
${signature}`,
  );
}

/** The same page for a wrong, expired or withdrawn link: it does not say which. */
export const linkNotFoundPage = (): Reply => page(404, 'Not found', '<h1>Not found</h1>\n<p>This link does not open a document.</p>');

export const tooManyRequestsPage = (): Reply => ({
  ...page(429, 'Too many requests', '<h1>Too many requests</h1>\n<p>Try again in a minute.</p>'),
  headers: { ...pageHeaders, 'retry-after': '60' },
});

export const notSignablePage = (title: string): Reply => page(409, title, `<h1>${escapeHtml(title)}</h1>\n<p>This document is not signed online.</p>`);
