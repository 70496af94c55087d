// A stored automation's definition, as provision, the loop guard and the run views read it. automations.ts
// validated it in full when it was saved (schema, Liquid, workspace, compiler) and stored the parsed output, so it
// is read back as stored: reading does not run the save checks again, and a function that only reads definitions
// bundles none of them (docs/ARCHITECTURE.md §12).
import type { AutomationDefinition } from '#shared/automation/definition.ts';
import { definitionDefaults } from '#shared/automation/definition-model.ts';
import type { Entity } from '#shared/domain/entities.ts';
import { ValidationFailed } from '#shared/errors.ts';

/** The record's own fields, which are not part of its definition. */
export const META = ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'] as const;

/** The definition part of a stored automation record. */
export function definitionOf(record: Entity): Record<string, unknown> {
  const definition: Record<string, unknown> = { ...record };
  for (const key of META) delete definition[key];
  return definition;
}

/**
 * The definition of a stored automation record, with the schema's defaults for fields a record saved before they
 * existed lacks. Throws ValidationFailed when the record is not an automation definition at all.
 */
export function storedDefinition(record: Entity): AutomationDefinition {
  const fields = definitionOf(record);
  const trigger = fields.trigger as { type?: unknown } | undefined;
  if (typeof fields.name !== 'string' || typeof trigger?.type !== 'string' || !Array.isArray(fields.actions))
    throw new ValidationFailed([{ path: '', message: 'not an automation definition' }], `record ${record.id} holds no automation definition`);
  return { ...definitionDefaults, ...fields } as AutomationDefinition;
}
