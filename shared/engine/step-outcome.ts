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
}

export interface MailRef {
  to: string;
  subject: string;
  status: 'sent' | 'suppressed';
  reason?: string;
  messageId?: string;
}

/**
 * What a step did, kept in the run log (README, "What a run log says"):
 * - `changed`: it wrote what `records`, `mails`, `notifications` and `excepted` list;
 * - `noop`: nothing needed doing (the record was already so, or a backward move is not allowed), `reason` says why;
 * - `suppressed`: the mail was not sent, or the record not written, because an address it carries is on the
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
  notifications?: Array<{ userId: string; id: string; mailed: boolean }>;
  excepted?: string[];
  added?: string[];
  /** Round-robin: who the record was given to. */
  assignedTo?: string;
  /** A webhook's answer: its status and the start of its body. */
  webhook?: { status: number; response: string };
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

export function recordRef(type: EntityType, record: { id: string; version: number }, change: RecordRef['change'], fields?: string[]): RecordRef {
  return { type, id: record.id, version: record.version, change, href: `/${collections[type] ?? type}/${record.id}`, ...(fields ? { fields } : {}) };
}


/** A step's record write with its log line (StepContext.logWith), the outcome built from the record as written. */
export function stepWrite(ctx: StepContext, outcomeOf: (record: Entity) => StepOutcome): { read?: Entity; alongside?: WrittenAlongside } {
  return { ...(ctx.read ? { read: ctx.read } : {}), ...(ctx.logWith ? { alongside: ctx.logWith(outcomeOf) } : {}) };
}
