// Validation of what callers send against the zod schemas: a failed parse becomes ValidationFailed with one
// issue per field path (`query.limit`, `emails.0`), which the HTTP layer answers with 400.
import type { z } from 'zod';
import { ValidationFailed, type FieldIssue } from '#shared/errors.ts';

/** Parses `input` with `schema`; every issue is named by its path under `prefix` (e.g. "query"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.flatMap((issue) => {
    const at = (...extra: string[]) => [prefix, ...issue.path.map(String), ...extra].filter(Boolean).join('.') || '(body)';
    // An unknown field is named by its own path, so a typo points at itself.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at(key), message: 'not a field of this request' }));
    return [{ path: at(), message: issue.message }];
  });
  throw new ValidationFailed(issues, `Invalid ${issues.map((issue) => issue.path).join(', ')}.`);
}
