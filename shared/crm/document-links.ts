// Tracked document links: sendDocument issues one per recipient;
// opening it shows the document and records a view (once per recipient and day, which fires
// `Document Viewed` through the stream); the recipient signs from the same page when the
// template asks for it. A wrong, expired or withdrawn token is one indistinct 404.
import { randomBytes } from 'node:crypto';
import { DOCUMENT_LINK_DAYS } from '#shared/domain/documents.ts';
import type { Entity } from '#shared/domain/entities.ts';
import { VersionMismatch } from '#shared/errors.ts';
import type { Clock } from '#shared/ports.ts';
import type { DocumentLink } from '#shared/store/document-links.ts';
import type { Store } from '#shared/store/index.ts';
import type { Caller } from './context.ts';
import type { RecordService } from './records.ts';

const TOKEN = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{32})$/;

export interface DocumentLinkLimits {
  /** Requests per minute from one address. @default 60 */
  perAddress: number;
  /** Requests per minute on one link. @default 30 */
  perLink: number;
}

export interface DocumentLinkDeps {
  store: Store;
  records: RecordService;
  clock: Clock;
  /** Where the API is reached from outside (`https://…`): links are `<base>/d/<token>`. */
  linkBase: () => string;
  limits?: Partial<DocumentLinkLimits>;
}

export interface Visit {
  sourceIp?: string;
  userAgent?: string;
}

export type PageOutcome =
  | { kind: 'document'; document: Entity; link: DocumentLink; signable: boolean; signedNow?: boolean }
  | { kind: 'notFound' }
  | { kind: 'tooMany' }
  | { kind: 'notSignable'; document: Entity };

const WRITE_ATTEMPTS = 5;

export function createDocumentLinkService({ store, records, clock, linkBase, limits }: DocumentLinkDeps) {
  const perAddress = limits?.perAddress ?? 60;
  const perLink = limits?.perLink ?? 30;

  /** A new link for one recipient; the token is in the URL only and never stored. */
  async function issue(documentId: string, recipient: { channel: 'email' | 'sms'; address: string }): Promise<{ url: string; link: DocumentLink }> {
    const token = `${documentId}.${randomBytes(24).toString('base64url')}`;
    const now = clock.now();
    const link = await store.documentLinks.put(token, {
      documentId,
      channel: recipient.channel,
      address: recipient.address,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + DOCUMENT_LINK_DAYS * 24 * 3600 * 1000).toISOString(),
    });
    return { url: `${linkBase().replace(/\/$/, '')}/d/${token}`, link };
  }

  async function resolve(token: string, visit: Visit): Promise<{ link: DocumentLink; document: Entity } | 'notFound' | 'tooMany'> {
    if (!(await store.documentLinks.allow(`ip#${visit.sourceIp ?? 'unknown'}`, perAddress))) return 'tooMany';
    const match = TOKEN.exec(token);
    if (!match) return 'notFound';
    const link = await store.documentLinks.find(token);
    // A token is bound to its document: the same secret under another document's id names nothing.
    if (!link || link.documentId !== match[1] || Date.parse(link.expiresAt) <= clock.now().getTime()) return 'notFound';
    if (!(await store.documentLinks.allow(`link#${link.linkId}`, perLink))) return 'tooMany';
    const document = await store.records.get('document', link.documentId);
    if (!document) return 'notFound';
    return { link, document };
  }

  const signable = (document: Entity) => Array.isArray(document.parties) && document.parties.includes('recipient');
  const callerOf = (link: DocumentLink): Caller => ({ kind: 'documentLink', linkId: link.linkId });

  /** Writes a change computed from the document as it is now, again when another write came first. */
  async function change(link: DocumentLink, patch: (document: Entity) => Record<string, unknown> | undefined): Promise<Entity> {
    for (let attempt = 1; ; attempt++) {
      const current = await records.get('document', link.documentId);
      const fields = patch(current);
      if (!fields) return current;
      try {
        return await records.writePatch('document', link.documentId, fields, callerOf(link), current.version);
      } catch (error) {
        if (!(error instanceof VersionMismatch) || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  async function open(token: string, visit: Visit): Promise<PageOutcome> {
    const resolved = await resolve(token, visit);
    if (resolved === 'notFound' || resolved === 'tooMany') return { kind: resolved };
    const { link } = resolved;
    let { document } = resolved;
    const at = clock.now().toISOString();
    if (await store.documentLinks.recordView(link, { at, ...visit })) {
      document = await change(link, (current) => ({
        viewedAt: at,
        viewCount: (typeof current.viewCount === 'number' ? current.viewCount : 0) + 1,
        lastViewedBy: link.address,
      }));
    }
    return { kind: 'document', document, link, signable: signable(document) && !document.signedByRecipientAt };
  }

  async function sign(token: string, visit: Visit): Promise<PageOutcome> {
    const resolved = await resolve(token, visit);
    if (resolved === 'notFound' || resolved === 'tooMany') return { kind: resolved };
    const { link, document } = resolved;
    if (!signable(document)) return { kind: 'notSignable', document };
    const at = clock.now().toISOString();
    // Signing twice changes nothing: the first signature stands.
    const signed = await change(link, (current) => (current.signedByRecipientAt ? undefined : { signedByRecipientAt: at, signedByRecipient: link.address }));
    return { kind: 'document', document: signed, link, signable: false, signedNow: signed.signedByRecipientAt === at };
  }

  return { issue, open, sign };
}

export type DocumentLinkService = ReturnType<typeof createDocumentLinkService>;
