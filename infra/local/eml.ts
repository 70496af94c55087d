// The local outbox's mail files (RFC 5322 with MIME): written by nodemailer's composer as a mail client would
// receive them, and read back by mailparser for GET /local/outbox. A mail with HTML is multipart/alternative, its
// text part first (RFC 2046 §5.1.4: the part a client prefers goes last).
import { loadedOnFirstUse } from '#shared/lazy-module.ts';

// Loaded by the first mail written or read, not when local mode starts: mailparser alone takes most of a second.
const loadComposer = loadedOnFirstUse(async () => (await import('nodemailer/lib/mail-composer')).default);
const loadParser = loadedOnFirstUse(async () => (await import('mailparser')).simpleParser);

export interface EmlHeaders {
  messageId: string;
  date: Date;
  from: string;
  to: string;
  replyTo?: string | undefined;
  subject: string;
  /** Written as `X-Stagecraft-<name>` headers. */
  tags?: Record<string, string> | undefined;
}

export interface EmlContent {
  text: string;
  html?: string | undefined;
}

/** The mail as an .eml file's bytes: headers encoded (RFC 2047) and folded, parts in base64 lines of 76. */
export async function composeEml(headers: EmlHeaders, content: EmlContent): Promise<Buffer> {
  const MailComposer = await loadComposer();
  const composer = new MailComposer({
    messageId: `<${headers.messageId}@stagecraft.local>`,
    date: headers.date,
    from: headers.from,
    to: headers.to,
    replyTo: headers.replyTo,
    subject: headers.subject,
    // As bytes, so an empty text still gets its part: the composer leaves out an empty string.
    text: Buffer.from(content.text),
    ...(content.html === undefined ? {} : { html: Buffer.from(content.html) }),
    // Base64 keeps every byte of the content as rendered, whatever its script and line lengths.
    encoding: 'base64',
    // The boundary is otherwise random: built from the message id, the same mail gives the same file.
    baseBoundary: headers.messageId,
    // The content is always the rendered strings: never a path or URL to read or fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const mail = composer.compile();
  // Added to the compiled message, not passed as the composer's `headers`, so they follow the standard headers.
  for (const [name, value] of Object.entries(headers.tags ?? {})) mail.addHeader(`X-Stagecraft-${name}`, value);
  return mail.build();
}

export interface ReadEml {
  to: string | undefined;
  subject: string | undefined;
  date: string | undefined;
  text: string;
  html?: string;
}

/** The headers a reader looks at, the text, and the HTML when the mail has an HTML part. */
export async function readEml(raw: Buffer | string): Promise<ReadEml> {
  // Only the parts as written: no text made from HTML or HTML from text, no links rewritten.
  const simpleParser = await loadParser();
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true });
  const to = mail.to === undefined ? undefined : [mail.to].flat().map((address) => address.text).join(', ');
  // Earlier versions wrote the text 8bit and ended the file with a line break that was not part of it.
  const earlier = String(mail.headers.get('content-transfer-encoding') ?? '').toLowerCase() === '8bit';
  const text = earlier ? (mail.text ?? '').trimEnd() : (mail.text ?? '');
  return {
    to,
    subject: mail.subject,
    // In the form the listing has always shown (and earlier files wrote): `Tue, 01 Dec 2026 10:00:00 GMT`.
    date: mail.date?.toUTCString(),
    text,
    ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
  };
}
