// What each record type carries, as automations name it at save: the fields a condition, trigger or
// delay may read, which of them are dates, and which updateFields may write. Custom fields
// (`fields.<name>`) are free-form on every record.
import { z } from 'zod';
import { createSchemas, systemFields } from '#shared/domain/entities.ts';
import type { TriggerEntity } from './definition.ts';

/** Fields the API sets itself, beyond those a caller writes (documents' signatures and views). */
const serverFields: Partial<Record<TriggerEntity, string[]>> = {
  document: ['signedBySenderAt', 'signedByRecipientAt', 'viewedAt', 'viewCount', 'lastViewedBy', 'signedByRecipient', 'body', 'kind', 'parties', 'pipelineId', 'templateVersion'],
};
const serverDateFields: Partial<Record<TriggerEntity, string[]>> = {
  document: ['signedBySenderAt', 'signedByRecipientAt', 'viewedAt'],
};
const bookkeepingDates = ['createdAt', 'updatedAt'];

/** Fields updateFields may not write: the bookkeeping, stages (moveToStage keeps its rules), and what the API sets. */
const unwritable = new Set<string>([...systemFields, 'pipelineId', 'stageId', 'fields', ...Object.values(serverFields).flat()]);

function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable)
    inner = inner.def.innerType as z.ZodType;
  return inner;
}

const shapeOf = (type: TriggerEntity) => createSchemas[type].shape as Record<string, z.ZodType>;

/** Top-level fields a record of the type has. */
export function recordFields(type: TriggerEntity): string[] {
  return [...Object.keys(shapeOf(type)), ...systemFields, ...(serverFields[type] ?? [])];
}

/** Top-level fields holding a date or a date-time. */
export function dateFields(type: TriggerEntity): string[] {
  const declared = Object.entries(shapeOf(type))
    .filter(([, schema]) => {
      const inner = unwrapped(schema);
      return inner instanceof z.ZodISODate || inner instanceof z.ZodISODateTime;
    })
    .map(([name]) => name);
  return [...declared, ...bookkeepingDates, ...(serverDateFields[type] ?? [])];
}

/** Top-level fields updateFields may set, with the schema that checks a value written literally. */
export function writableFields(type: TriggerEntity): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(shapeOf(type)).filter(([name]) => !unwritable.has(name)));
}

/** Whether a top-level field holds a list or a yes/no, which a template (text) cannot fill. */
export function isUntemplatable(type: TriggerEntity, field: string): boolean {
  const schema = shapeOf(type)[field];
  if (!schema) return false;
  let inner = unwrapped(schema);
  if (inner instanceof z.ZodPipe) inner = unwrapped(inner.def.in as z.ZodType);
  return inner instanceof z.ZodArray || inner instanceof z.ZodBoolean;
}

export const isCustomField = (path: string) => path.startsWith('fields.');
