// The CRM's records as zod schemas: what a caller may send (create/patch) and the
// pure rules on them. The same schemas validate requests and generate /openapi.json.
import { z } from 'zod';
import { loadedPhoneParsing, normaliseEmail } from './contact-points.ts';

import { type EntityType, type SchemaType, entityTypes } from './record-types.ts';

export { entityTypes, type EntityType, type SchemaType };

/** Records an activity or document can hang on. */
export const ownerTypes = ['contact', 'company', 'lead', 'deal'] as const;
export type OwnerType = (typeof ownerTypes)[number];

export const leadStages = ['new', 'in_progress', 'converted', 'junk'] as const;
export const activityTypes = ['call', 'meeting', 'task', 'email'] as const;
export const stageKinds = ['open', 'won', 'lost'] as const;
export const userRoles = ['admin', 'member'] as const;

/** Most contact points a record may carry: keeps each write inside one transaction. */
export const MAX_CONTACT_POINTS = 10;

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only');
const Slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "_" and "-", starting with a letter or digit');
const Name = z.string().trim().min(1).max(200);

/**
 * Numbers DynamoDB and the SDK store exactly: integers up to 2^53 and no values so
 * small they would round to zero.
 */
export const StorableNumber = z
  .number()
  .finite()
  .refine((n) => n === 0 || (Math.abs(n) <= Number.MAX_SAFE_INTEGER && Math.abs(n) >= 1e-12), 'a number between ±1e-12 and ±9007199254740991, or 0');

const Email = z.string().max(254, 'an e-mail address has at most 254 characters').transform((value, ctx) => {
  const email = normaliseEmail(value);
  if (!email) {
    ctx.addIssue({ code: 'custom', message: 'not an e-mail address' });
    return z.NEVER;
  }
  return email;
});

// Phone parsing is loaded on first use: a caller parsing phones awaits loadPhoneParsing() first (contact-points.ts).
const Phone = z.string().max(40).transform((value, ctx) => {
  const phone = loadedPhoneParsing().normalisePhone(value);
  if (!phone) {
    ctx.addIssue({ code: 'custom', message: 'not a phone number in international format (+ and country code)' });
    return z.NEVER;
  }
  return phone;
});

const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item)
    .max(MAX_CONTACT_POINTS)
    .transform((values) => [...new Set(values as string[])]);

export const MAX_CUSTOM_FIELDS = 100;

/**
 * Names a custom field may not have: the members every JavaScript object inherits (`constructor`, `toString`,
 * `__proto__`, …) and `prototype`. Stored, such a key breaks the SDK's marshalling (an own `constructor`), is
 * dropped on the way (`__proto__`), or reads as the inherited member on any record lacking it.
 */
const reservedFieldNames: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Why `name` cannot be a custom field's name, or undefined when it can. */
export function reservedFieldNameProblem(name: string): string | undefined {
  return reservedFieldNames.has(name) ? `"${name}" is a reserved name (every JavaScript object has a member of that name); choose another` : undefined;
}

const CustomFieldName = z
  .string()
  .min(1, 'a custom field name has 1 to 64 characters')
  .max(64, 'a custom field name has 1 to 64 characters')
  .superRefine((name, ctx) => {
    const problem = reservedFieldNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const CustomFieldValues = z
  .record(CustomFieldName, z.union([z.string().max(10_000), StorableNumber, z.boolean(), z.null(), z.array(z.string().max(1000)).max(100)]), {
    // A bad key is reported by zod as "Invalid key in record"; say what is wrong with it instead.
    error: (issue) => (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined),
  })
  .refine((fields) => Object.keys(fields).length <= MAX_CUSTOM_FIELDS, `at most ${MAX_CUSTOM_FIELDS} custom fields`);

// JSON.parse keeps "__proto__" as an own key, but zod's record skips that key without a word before the key
// schema sees it: it is refused here, on the input, so it is never silently dropped. That issue stops the
// parse, so the other keys are checked here too and every bad one is named at once.
const CustomFields = z.preprocess((input, ctx) => {
  if (typeof input !== 'object' || input === null || !Object.hasOwn(input, '__proto__')) return input;
  ctx.addIssue({ code: 'custom', path: ['__proto__'], message: reservedFieldNameProblem('__proto__')!, input });
  const others = Object.fromEntries(Object.entries(input).filter(([name]) => name !== '__proto__'));
  for (const issue of CustomFieldValues.safeParse(others).error?.issues ?? [])
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input });
  return input;
}, CustomFieldValues);

const DateTime = z.iso.datetime({ offset: true });
const CalendarDate = z.iso.date();

const contactFields = {
  name: Name,
  emails: uniqueList(Email).default([]),
  phones: uniqueList(Phone).default([]),
  companyId: Id.optional(),
  responsibleId: Id.optional(),
  fields: CustomFields.optional(),
};

const companyFields = {
  name: Name,
  emails: uniqueList(Email).default([]),
  phones: uniqueList(Phone).default([]),
  responsibleId: Id.optional(),
  fields: CustomFields.optional(),
};

const leadFields = {
  title: Name,
  name: Name.optional(),
  emails: uniqueList(Email).default([]),
  phones: uniqueList(Phone).default([]),
  source: z.string().max(200).optional(),
  stageId: z.enum(leadStages).default('new'),
  responsibleId: Id.optional(),
  fields: CustomFields.optional(),
};

const dealFields = {
  title: Name,
  pipelineId: Slug,
  stageId: Slug,
  amount: StorableNumber.pipe(z.number().nonnegative()).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .optional(),
  contactId: Id.optional(),
  companyId: Id.optional(),
  responsibleId: Id.optional(),
  closeDate: CalendarDate.optional(),
  fields: CustomFields.optional(),
};

const activityFields = {
  subject: Name,
  activityType: z.enum(activityTypes),
  dueAt: DateTime,
  responsibleId: Id,
  entityType: z.enum(ownerTypes),
  entityId: Id,
  status: z.enum(['open', 'completed']).default('open'),
  autoComplete: z.boolean().optional(),
  plannedInStageId: Slug.optional(),
  fields: CustomFields.optional(),
};

const documentFields = {
  /** Taken from the template when one is named. */
  title: Name.optional(),
  templateId: Id.optional(),
  entityType: z.enum(ownerTypes),
  entityId: Id,
  fields: CustomFields.optional(),
};

const userFields = {
  name: Name,
  email: Email.optional(),
  icon: z.string().max(2000).optional(),
  role: z.enum(userRoles).default('member'),
  /** A deactivated user keeps their records and history but is given no new work (round-robin skips them). */
  active: z.boolean().optional(),
};

export const Stage = z.strictObject({ id: Slug, name: Name, kind: z.enum(stageKinds).default('open') });
export type Stage = z.infer<typeof Stage>;

const Stages = z
  .array(Stage)
  .min(1)
  .max(50)
  .superRefine((stages, ctx) => {
    const seen = new Set<string>();
    stages.forEach((stage, index) => {
      if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `stage id "${stage.id}" is used twice` });
      seen.add(stage.id);
    });
  });

const pipelineFields = { id: Slug.optional(), name: Name, stages: Stages };

/** Keys of a record that a caller never writes directly. */
export const systemFields = ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'] as const;

function patchOf<T extends z.ZodRawShape>(shape: T) {
  // A patch may name any writable field; defaults apply only on create. An optional
  // field may be sent as null to clear it (JSON merge patch); required ones may not.
  const entries = Object.entries(shape).map(([key, schema]) => {
    const inner = schema instanceof z.ZodDefault ? (schema.def.innerType as z.ZodType) : (schema as z.ZodType);
    return [key, schema instanceof z.ZodOptional ? inner.nullable().optional() : inner.optional()];
  });
  return z
    .strictObject(Object.fromEntries(entries) as { [K in keyof T]: z.ZodOptional<z.ZodType<z.output<T[K]>, z.input<T[K]>>> })
    .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');
}

export const createSchemas = {
  contact: z.strictObject(contactFields),
  company: z.strictObject(companyFields),
  lead: z.strictObject(leadFields),
  deal: z.strictObject(dealFields),
  activity: z.strictObject(activityFields),
  document: z
    .strictObject(documentFields)
    .refine((document) => document.title !== undefined || document.templateId !== undefined, {
      path: ['title'],
      message: 'required unless templateId names the template to make the document from',
    }),
  user: z.strictObject(userFields),
  pipeline: z.strictObject(pipelineFields),
} as const;

export const patchSchemas = {
  contact: patchOf(contactFields),
  company: patchOf(companyFields),
  lead: patchOf(leadFields),
  deal: patchOf(dealFields),
  activity: patchOf(activityFields),
  document: patchOf(documentFields),
  user: patchOf(userFields),
  pipeline: patchOf({ name: Name, stages: Stages }),
} as const;


/** What every stored record carries besides its own fields. */
export interface RecordMeta {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

export type Entity = RecordMeta & Record<string, unknown>;

export const Pipeline = z.object({ id: Slug, name: Name, stages: z.array(Stage) });
export type Pipeline = z.infer<typeof Pipeline>;

export function stageOf(pipeline: Pipeline, stageId: string): Stage | undefined {
  return pipeline.stages.find((stage) => stage.id === stageId);
}

/** Position of a stage in its pipeline; moveToStage and "forward only" rules read it. */
export function stageIndex(pipeline: Pipeline, stageId: string): number {
  return pipeline.stages.findIndex((stage) => stage.id === stageId);
}

export { contactPointTypes, exceptionCheckedTypes } from './record-types.ts';
