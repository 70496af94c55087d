// What a step is given and what it reports: the contract between run-action and every action executor,
// apart from the executors so that each may live in its own module.
import type { Actor } from '#shared/domain/actors.ts';
import type { Entity, EntityType } from '#shared/domain/entities.ts';
import type { WrittenAlongside } from '#shared/store/records.ts';

export type ActionConfig = { type: string } & Record<string, unknown>;

export interface StepContext {
  automationId: string;
  automationName: string;
  runId: string;
  /** 1-based, as the step is named in the run log (`1 · Create lead`). */
  stepIndex: number;
  /** When the step was planned to run (the run's wake time): the time part of derived ids. */
  plannedAt: Date;
  entityType: EntityType;
  entityId: string;
  /** How many automation hops led here; this step's writes are one deeper. */
  depth: number;
  timeZone: string;
  /** Fills a Liquid template with the record, its contact, the event and the run. */
  render(template: string): Promise<string>;
  /** The trigger event's detail (document steps read which document it was about). */
  event?: Record<string, unknown>;
  /**
   * The step's record as this Task read it from the table (absent when it is gone and the step sees the event's
   * image): an update writes on it without reading it again, conditional on its version.
   */
  read?: Entity;
  /**
   * The step's log line, to write in the same transaction as the record change it describes (its outcome built
   * from the record as written): a step whose work is one record write passes it to that write, and the line is
   * then not written again after it. Absent: the step's line is written after it, as for any other step.
   */
  logWith?(outcomeOf: (record: Entity) => StepOutcome, actor?: Actor): WrittenAlongside;
}

/**
 * What a step's once-only work is keyed on (the ids of what it creates, its mail marker, its round-robin choice,
 * its webhook's result): the run of one automation. A run's id is its trigger event's id, which every automation
 * that event matches shares, so the automation's id is part of the key.
 */
export const stepScope = (ctx: Pick<StepContext, 'automationId' | 'runId'>): string => `${ctx.automationId}#${ctx.runId}`;

/** A record a step created, changed or deleted: enough to link to it at that version. */
export interface RecordRef {
  type: EntityType;
  id: string;
  version: number;
  change: 'created' | 'updated' | 'deleted';
  /** The record's path in the API. */
  href: string;
  fields?: string[];
  /**
   * What the step wrote, field → value, for the fields it set from its configuration (an update's changed fields,
   * a created record's title, stage, responsible, due date…); fields a step copies are in the record itself.
   */
  values?: Record<string, unknown>;
  /** Some value was cut to fit the run log (keptValues). */
  truncated?: true;
}

export interface MailRef {
  to: string;
  subject: string;
  status: 'sent' | 'suppressed';
  reason?: string;
  messageId?: string;
  /** The text body as rendered for the mail (its start, keptText). */
  body?: string;
  /** The body was longer than the run log keeps. */
  truncated?: true;
  /** The HTML part as rendered, values escaped (its start, keptText), when the mail had one. */
  html?: string;
  /** The HTML part was longer than the run log keeps. */
  htmlTruncated?: true;
}

/**
 * The request a webhook step sent, without what may carry credentials: the URL's user info and query values, the
 * headers' values and the signature are left out (the admin's header names are kept, and whether it was signed).
 */
export interface WebhookRequest {
  method: string;
  /** Scheme, host and path. */
  url: string;
  /** The names of the query parameters sent. */
  query?: string[];
  /** The names of the headers the step sets. */
  headers?: string[];
  signed: boolean;
  body: string;
  truncated?: true;
}

/** A text message (SMS) a step sent or held back, as the run log keeps it. */
export interface TextRef {
  to: string;
  status: 'sent' | 'suppressed';
  reason?: string;
  messageId?: string;
  /** The message as sent (its start, keptText). */
  body?: string;
  truncated?: true;
}

/**
 * How much of a long text (a mail's body, a notification's message, a webhook's request body) a step's outcome
 * keeps: a step item holds its outcome beside the run's trigger event, all within DynamoDB's 400 KB.
 */
export const KEPT_TEXT = 4000;
/** How much of one value a step wrote the outcome keeps, and of all its values together. */
export const KEPT_VALUE = 1000;
export const KEPT_VALUES = 4000;

/** A text's first `limit` characters, flagged when cut (never half a surrogate pair, which is not UTF-8). */
export function keptText(text: string, limit = KEPT_TEXT): { text: string; truncated?: true } {
  if (text.length <= limit) return { text };
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return { text: text.slice(0, end), truncated: true };
}

/** The values a step wrote, each text cut to KEPT_VALUE characters and all of them to KEPT_VALUES. */
export function keptValues(values: Record<string, unknown>): { values: Record<string, unknown>; truncated?: true } {
  let room = KEPT_VALUES;
  let truncated = false;
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined) continue;
    // Numbers, booleans and ids are small; only text can be long.
    if (typeof value !== 'string') {
      kept[field] = value;
      continue;
    }
    const cut = keptText(value, Math.min(KEPT_VALUE, room));
    kept[field] = cut.text;
    room -= cut.text.length;
    if (cut.truncated) truncated = true;
  }
  return { values: kept, ...(truncated ? { truncated: true as const } : {}) };
}

/** A mail's subject as the outcome keeps it: rendered from record values, it can be long too (KEPT_VALUE). */
export const keptSubject = (subject: string): string => keptText(subject, KEPT_VALUE).text;

/** A mail's text body, and its HTML part if it has one, as the outcome keeps them (`body`, `html`, their cuts). */
export function keptBody(text: string, html?: string): Pick<MailRef, 'body' | 'truncated' | 'html' | 'htmlTruncated'> {
  const { text: body, truncated } = keptText(text);
  const keptHtml = html === undefined ? undefined : keptText(html);
  return {
    body,
    ...(truncated ? { truncated } : {}),
    ...(keptHtml ? { html: keptHtml.text, ...(keptHtml.truncated ? { htmlTruncated: true as const } : {}) } : {}),
  };
}

/**
 * What a step did, kept in the run log (README, "What a run log says"):
 * - `changed`: it wrote what `records`, `mails`, `texts`, `notifications` and `excepted` list;
 * - `noop`: nothing needed doing (the record was already so, or a backward move is not allowed), `reason` says why;
 * - `suppressed`: the mail or text message was not sent, or the record not written, because an address it carries is on the
 *   exceptions list (policy, not a fault).
 * A step that cannot do its job at all (no such stage in the record's pipeline, nobody to mail or notify, a user
 * that does not exist) throws StepFailed instead: the run is FAILED with that cause and can be redriven.
 */
export interface StepOutcome {
  result: 'changed' | 'noop' | 'suppressed';
  /** One line: what the step did. */
  done: string;
  reason?: string;
  records?: RecordRef[];
  mails?: MailRef[];
  /** Each text message sent or held back, with what it said. */
  texts?: TextRef[];
  /** Each notification left, with its message (its start, keptText). */
  notifications?: Array<{ userId: string; id: string; mailed: boolean; message?: string; truncated?: true }>;
  excepted?: string[];
  added?: string[];
  /** Round-robin: who the record was given to. */
  assignedTo?: string;
  /** A webhook's answer (its status and the start of its body), and the request it sent. */
  webhook?: { status: number; response: string; request?: WebhookRequest };
  /** A branch: the arm it took (`reason` says why). */
  branch?: 'then' | 'else';
}

/** The step could not do its job: its run fails with this message (never retried: a redrive may, once fixed). */
export class StepFailed extends Error {
  override readonly name = 'Stagecraft.StepFailed';
}

const collections: Record<string, string> = {
  contact: 'contacts',
  company: 'companies',
  lead: 'leads',
  deal: 'deals',
  activity: 'activities',
  document: 'documents',
};

export function recordRef(
  type: EntityType,
  record: { id: string; version: number },
  change: RecordRef['change'],
  fields?: string[],
  values?: Record<string, unknown>,
): RecordRef {
  return {
    type,
    id: record.id,
    version: record.version,
    change,
    href: `/${collections[type] ?? type}/${record.id}`,
    ...(fields ? { fields } : {}),
    ...(values ? keptValues(values) : {}),
  };
}

/** The record's own values of `fields` (a created record's, as written: a retry reports the same). */
export const valuesOf = (record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]));


/** A step's record write with its log line (StepContext.logWith), the outcome built from the record as written. */
export function stepWrite(ctx: StepContext, outcomeOf: (record: Entity) => StepOutcome): { read?: Entity; alongside?: WrittenAlongside } {
  return { ...(ctx.read ? { read: ctx.read } : {}), ...(ctx.logWith ? { alongside: ctx.logWith(outcomeOf) } : {}) };
}
