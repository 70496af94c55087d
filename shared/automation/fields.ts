// Field paths as automations name a record's values: a top-level field (`amount`, `closeDate`) or a
// custom field (`fields.renewal_date`). Conditions, delays, patterns and updateFields all read them here.

/** A top-level name, or `fields.` and a custom field's name (any characters but "." and "$", which
 *  would read as a path in event patterns and in Step Functions payload templates). */
export const FIELD_PATH = /^(?:[A-Za-z][A-Za-z0-9_]{0,63}|fields\.[^.$]{1,64})$/;

export const FIELD_PATH_HINT = 'a field name such as "amount", or "fields." and a custom field\'s name';

export function isFieldPath(path: string): boolean {
  return FIELD_PATH.test(path);
}

/** The path's segments: custom fields live one level down, in `fields`. */
export function fieldSegments(path: string): [string] | [string, string] {
  if (path.startsWith('fields.')) return ['fields', path.slice('fields.'.length)];
  return [path];
}

export function fieldValue(record: Record<string, unknown> | null | undefined, path: string): unknown {
  if (!record) return undefined;
  const [head, custom] = fieldSegments(path);
  const top = record[head];
  if (custom === undefined) return top;
  if (typeof top !== 'object' || top === null || Array.isArray(top)) return undefined;
  return (top as Record<string, unknown>)[custom];
}

/**
 * The name of the whole field a change of the path changes: `fields` for every custom field. Events name a changed
 * custom field both ways, `fields` and `fields.<name>` (shared/events/derive.ts); patterns match the path itself,
 * and `fields` only where its own name does not fit (compile-pattern.ts), as rules compiled before did.
 */
export function changedFieldName(path: string): string {
  return fieldSegments(path)[0];
}
