// Validation of what callers send against the zod schemas: a failed parse becomes ValidationFailed with one
// issue per field path (`query.limit`, `emails.0`), which the HTTP layer answers with 400.
import type { z } from 'zod';
import { ValidationFailed, type FieldIssue } from '#shared/errors.ts';

const kinds: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object' };

/**
 * An issue's message in plain words where zod's default speaks of types ("Invalid input: expected string, received
 * undefined" → "required"); messages the schemas set themselves are kept. Needs the issue's input (`reportInput`).
 */
export function plainMessage(issue: z.core.$ZodIssue): string {
  // zod's own words for a length ("Too small: expected array to have >=1 items"), said as a person would.
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.message.startsWith('Too ')) {
    const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const unit = issue.origin === 'array' ? (bound === 1 ? 'item' : 'items') : issue.origin === 'string' ? (bound === 1 ? 'character' : 'characters') : undefined;
    if (unit) return `${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} ${unit}`;
  }
  if (issue.code !== 'invalid_type') return issue.message;
  // Left out, or cleared with null (a merge patch) where a value is needed.
  if (issue.input === undefined || issue.input === null) return 'required';
  if (issue.expected === 'number' && typeof issue.input === 'number' && Number.isNaN(issue.input)) return 'not a number';
  if (!issue.message.startsWith('Invalid input')) return issue.message;
  const kind = kinds[issue.expected];
  return kind ? `must be ${kind}` : issue.message;
}

/** Parses `input` with `schema`; every issue is named by its path under `prefix` (e.g. "query"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.flatMap((issue) => {
    const at = (...extra: string[]) => [prefix, ...issue.path.map(String), ...extra].filter(Boolean).join('.') || '(body)';
    // An unknown field is named by its own path, so a typo points at itself.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at(key), message: 'not a field of this request' }));
    return [{ path: at(), message: plainMessage(issue) }];
  });
  throw new ValidationFailed(issues);
}
