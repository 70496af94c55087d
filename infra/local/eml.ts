// The local outbox's mail files (RFC 5322 with MIME): written as a mail client would receive them, and read
// back for GET /local/outbox. A mail with HTML is multipart/alternative, its text part first (RFC 2046 §5.1.4:
// the part a client prefers goes last).
const CRLF = '\r\n';

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

function encodeHeader(value: string): string {
  // RFC 2047: non-ASCII subjects travel base64-encoded; so does one with a line break, which would end the header.
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, encoded: string) => Buffer.from(encoded, 'base64').toString('utf8'));
}

/** A body part's header lines and its content in base64 lines of 76 (RFC 2045 §6.8): any script, any line length. */
function textPart(subtype: 'plain' | 'html', content: string): string[] {
  const lines = Buffer.from(content, 'utf8').toString('base64').match(/.{1,76}/g) ?? [];
  return [`Content-Type: text/${subtype}; charset=UTF-8`, 'Content-Transfer-Encoding: base64', '', ...lines];
}

/** The mail as an .eml file's text. */
export function composeEml(headers: EmlHeaders, content: EmlContent): string {
  const head = [
    `Message-ID: <${headers.messageId}@stagecraft.local>`,
    `Date: ${headers.date.toUTCString()}`,
    `From: ${headers.from}`,
    `To: ${headers.to}`,
    ...(headers.replyTo ? [`Reply-To: ${headers.replyTo}`] : []),
    `Subject: ${encodeHeader(headers.subject)}`,
    ...Object.entries(headers.tags ?? {}).map(([name, value]) => `X-Stagecraft-${name}: ${value}`),
    'MIME-Version: 1.0',
  ];
  if (content.html === undefined) return [...head, ...textPart('plain', content.text), ''].join(CRLF);
  // "=_" cannot occur in base64, so no part can hold the boundary line.
  const boundary = `=_stagecraft_${headers.messageId}`;
  return [
    ...head,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    ...textPart('plain', content.text),
    `--${boundary}`,
    ...textPart('html', content.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

// ---------------------------------------------------------------------------------------------------------
// Reading back: only what composeEml writes (and the 8bit text/plain files of earlier versions).

interface Entity {
  header: (name: string) => string | undefined;
  body: string;
}

function entityOf(raw: string): Entity {
  const split = raw.indexOf(CRLF + CRLF);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  return {
    header: (name) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1],
    body,
  };
}

function decodedBody(entity: Entity): string {
  const encoding = entity.header('Content-Transfer-Encoding')?.trim().toLowerCase();
  return encoding === 'base64' ? Buffer.from(entity.body.replace(/\s+/g, ''), 'base64').toString('utf8') : entity.body.trimEnd();
}

export interface ReadEml {
  to: string | undefined;
  subject: string | undefined;
  date: string | undefined;
  text: string;
  html?: string;
}

/** The headers a reader looks at, the text, and the HTML when the mail has an HTML part. */
export function readEml(raw: string): ReadEml {
  const mail = entityOf(raw);
  const subject = mail.header('Subject');
  const summary = { to: mail.header('To'), subject: subject === undefined ? undefined : decodeHeader(subject), date: mail.header('Date') };
  const boundary = /^multipart\/alternative;\s*boundary="([^"]+)"/i.exec(mail.header('Content-Type') ?? '')?.[1];
  if (!boundary) return { ...summary, text: decodedBody(mail) };
  const parts = (CRLF + mail.body)
    .split(`${CRLF}--${boundary}`)
    .slice(1)
    .filter((part) => !part.startsWith('--'))
    .map((part) => entityOf(part.replace(/^\r\n/, '')));
  const of = (subtype: string) => parts.find((part) => part.header('Content-Type')?.toLowerCase().startsWith(`text/${subtype}`));
  const text = of('plain');
  const html = of('html');
  return { ...summary, text: text ? decodedBody(text) : '', ...(html ? { html: decodedBody(html) } : {}) };
}
