// Document templates and documents made from them: a template is
// Liquid over HTML, rendered over the deal or lead, its contact and company. Every value is
// HTML-escaped on output (only the template's own markup stays markup), and the rendered body is
// kept with the document, as sent. liquidjs is loaded when a template is first checked or rendered: run-action
// and the API import this module for every document write, most of which render nothing (docs/ARCHITECTURE.md §12).
import type { Liquid } from 'liquidjs';
import { type Entity, type EntityType } from '#shared/domain/entities.ts';
import {
  DocumentPreviewInput,
  DocumentTemplateInput,
  DocumentTemplatePatch,
  documentTemplateRoots,
  documentVariables,
  templateVariables,
} from '#shared/domain/documents.ts';
import { type FieldIssue, ValidationFailed } from '#shared/errors.ts';
import type { Clock } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { ListOptions } from '#shared/store/records.ts';
import { type Caller, requireAdmin, writeContextOf } from './context.ts';
import { parseWith } from '#shared/domain/validation.ts';

let loaded: Promise<Liquid> | undefined;
function documentEngine(): Promise<Liquid> {
  loaded ??= Promise.all([import('liquidjs'), import('#shared/automation/liquid-html.ts')]).then(([{ Liquid }, { htmlOnly, htmlOutput }]) => {
    // HTML as a mail's is: every record value escaped, with no way out (`| raw` refused when the template is saved).
    const engine = new Liquid({
      ...htmlOutput,
      strictVariables: false,
      strictFilters: true,
      ownPropertyOnly: true,
      templates: {},
      parseLimit: 200_000,
      renderLimit: 1_000,
      memoryLimit: 10_000_000,
    });
    htmlOnly(engine);
    for (const tag of ['include', 'render', 'layout']) {
      engine.registerTag(tag, {
        parse() {
          throw new Error(`the ${tag} tag is not available in document templates`);
        },
        render() {
          return '';
        },
      });
    }
    return engine;
  });
  return loaded;
}

/** Root variables and the fields of `document` and `template` a Liquid source names, for checks at save. */
export async function variableIssues(source: string, roots: readonly string[], path: string): Promise<FieldIssue[]> {
  const engine = await documentEngine();
  let segments: Array<Array<string | number>>;
  try {
    segments = engine.globalVariableSegmentsSync(engine.parse(source)) as Array<Array<string | number>>;
  } catch (error) {
    const { htmlProblem } = await import('#shared/automation/liquid-html.ts');
    return [{ path, message: `not a valid Liquid template: ${htmlProblem((error as Error).message)}` }];
  }
  const issues: FieldIssue[] = [];
  for (const [root, field] of segments) {
    const name = String(root);
    if (!roots.includes(name)) {
      issues.push({ path, message: `unknown variable ${name} (variables: ${roots.join(', ')})` });
      continue;
    }
    const known = name === 'document' ? documentVariables : name === 'template' ? templateVariables : undefined;
    if (known && typeof field === 'string' && !(known as readonly string[]).includes(field))
      issues.push({ path, message: `${name} has no field ${field} (its fields: ${known.join(', ')})` });
  }
  return issues;
}

async function checkTemplate(template: { body?: string; subject?: string | null }): Promise<void> {
  const issues = [
    ...(template.body !== undefined ? await variableIssues(template.body, documentTemplateRoots, 'body') : []),
    ...(typeof template.subject === 'string' ? await variableIssues(template.subject, documentTemplateRoots, 'subject') : []),
  ];
  if (issues.length > 0) throw new ValidationFailed(issues);
}

export async function renderDocumentSource(source: string, context: Record<string, unknown>): Promise<string> {
  const engine = await documentEngine();
  return String(engine.renderSync(engine.parse(source), context));
}

/** What a template sees: the record under its own type name and as `entity`, its contact and company, the template and the document. */
export async function documentContext(
  store: Store,
  owner: { type: EntityType; record: Entity },
  template: Entity,
  document: Record<string, unknown>,
  now: Date,
): Promise<Record<string, unknown>> {
  const { record } = owner;
  const contactId = owner.type === 'contact' ? undefined : (record.contactId as string | undefined);
  const companyId = owner.type === 'company' ? undefined : (record.companyId as string | undefined);
  const [contact, company] = await Promise.all([
    contactId ? store.records.get('contact', contactId) : owner.type === 'contact' ? record : undefined,
    companyId ? store.records.get('company', companyId) : owner.type === 'company' ? record : undefined,
  ]);
  return {
    [owner.type]: record,
    entity: record,
    ...(contact ? { contact } : {}),
    ...(company ? { company } : {}),
    template,
    document,
    now: now.toISOString(),
  };
}

/**
 * `document` and `template` for an automation's templates when its trigger is about a document:
 * the document as it is now (as the event saw it when it is gone) and the template it was made from.
 */
export async function documentVariablesOf(store: Store, event: { entityType?: unknown; entityId?: unknown; after?: unknown }): Promise<Record<string, unknown>> {
  if (event.entityType !== 'document' || typeof event.entityId !== 'string') return {};
  const document = (await store.records.get('document', event.entityId)) ?? (event.after as Record<string, unknown> | null) ?? undefined;
  if (!document) return {};
  const template = typeof document.templateId === 'string' ? await store.records.get('documentTemplate', document.templateId) : undefined;
  return { document, ...(template ? { template } : {}) };
}

export function createDocumentTemplateService(store: Store, clock: Clock) {
  const { records } = store;

  async function create(input: unknown, caller: Caller): Promise<Entity> {
    requireAdmin(caller);
    const data = parseWith(DocumentTemplateInput, input);
    await checkTemplate(data);
    return records.create('documentTemplate', data, writeContextOf(caller));
  }

  async function update(id: string, input: unknown, caller: Caller, expectedVersion?: number): Promise<Entity> {
    requireAdmin(caller);
    const patch = parseWith(DocumentTemplatePatch, input);
    await checkTemplate(patch);
    const current = await records.require('documentTemplate', id);
    return records.update(
      'documentTemplate',
      id,
      (record) => {
        const next: Record<string, unknown> = { ...record, ...patch };
        if (patch.subject === null) delete next.subject;
        return next;
      },
      writeContextOf(caller),
      { expectedVersion: expectedVersion ?? current.version },
    );
  }

  const get = (id: string) => records.require('documentTemplate', id);
  const list = (options: ListOptions) => records.list('documentTemplate', options);

  /**
   * The document the template would make for a record now, rendered and escaped as sent, with no side effect;
   * with `body`, the body being edited instead of the saved one (checked as a save checks it).
   */
  async function preview(id: string, input: unknown, caller: Caller) {
    requireAdmin(caller);
    const { entityType, entityId, body } = parseWith(DocumentPreviewInput, input);
    if (body !== undefined) await checkTemplate({ body });
    const template = await records.require('documentTemplate', id);
    const made = await prepareDocument(store, { templateId: id, entityType, entityId }, clock.now(), body === undefined ? template : { ...template, body });
    return { title: String(made.title), body: String(made.body), entityType, entityId };
  }

  return { create, update, get, list, preview };
}

export type DocumentTemplateService = ReturnType<typeof createDocumentTemplateService>;

/**
 * A document being created: from a template, its body rendered and kept with it (title, kind and
 * parties from the template unless given); on a deal, the deal's pipeline, so document triggers
 * can be limited to one pipeline by their rule.
 */
export async function prepareDocument(store: Store, data: Record<string, unknown>, now: Date, given?: Entity): Promise<Record<string, unknown>> {
  const ownerType = data.entityType as EntityType;
  const owner = await store.records.get(ownerType, String(data.entityId));
  if (!owner) throw ValidationFailed.field('entityId', `no ${ownerType} with id ${String(data.entityId)}`);
  const prepared: Record<string, unknown> = { ...data };
  if (ownerType === 'deal') prepared.pipelineId = owner.pipelineId;
  if (typeof data.templateId !== 'string') return prepared;
  const template = given ?? (await store.records.get('documentTemplate', data.templateId));
  if (!template) throw ValidationFailed.field('templateId', `no document template with id ${data.templateId}`);
  const subject = owner.title ?? owner.name;
  prepared.title ??= typeof subject === 'string' ? `${String(template.name)}: ${subject}` : String(template.name);
  prepared.kind = template.kind;
  prepared.parties = template.parties ?? [];
  prepared.templateVersion = template.version;
  const context = await documentContext(store, { type: ownerType, record: owner }, template, prepared, now);
  try {
    prepared.body = await renderDocumentSource(String(template.body), context);
  } catch (error) {
    throw ValidationFailed.field('templateId', `the template could not be rendered: ${(error as Error).message}`);
  }
  return prepared;
}
