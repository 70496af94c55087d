// Typed domain errors. The HTTP layer maps each to its status and code in one place
// (shared/http/errors.ts); nothing else decides a status code.

export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: unknown[];
  constructor(message: string, details: unknown[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** A refusal's message: each field path with what is wrong with it (the first few; `details` has them all). */
function issuesInWords(issues: FieldIssue[]): string {
  if (issues.length === 0) return 'The request is not valid.';
  const shown = issues.slice(0, 5).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  return `${shown.join('; ')}${issues.length > shown.length ? `; and ${issues.length - shown.length} more` : ''}`;
}

export class ValidationFailed extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(issues: FieldIssue[], message = issuesInWords(issues)) {
    super(message, issues);
  }
  static field(path: string, message: string): ValidationFailed {
    return new ValidationFailed([{ path, message }], `${path}: ${message}`);
  }
}

export class NotFound extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string, id: string) {
    super(`No ${what} with id ${id}.`);
  }
}

export class VersionMismatch extends DomainError {
  readonly code = 'VERSION_MISMATCH';
  constructor(expected: number, current: number | undefined) {
    super(
      current === undefined
        ? `Expected version ${expected}, but the record changed while writing.`
        : `Expected version ${expected}, the current version is ${current}.`,
      [{ expectedVersion: expected, currentVersion: current }],
    );
  }
}

export class ContactExcepted extends DomainError {
  readonly code = 'CONTACT_EXCEPTED';
  constructor(values: string[]) {
    super(`On the exceptions list: ${values.join(', ')}.`, values.map((value) => ({ value })));
  }
}

export class Conflict extends DomainError {
  constructor(
    readonly code: string,
    message: string,
    details: unknown[] = [],
  ) {
    super(message, details);
  }
}

export class Unauthorized extends DomainError {
  readonly code = 'UNAUTHORIZED';
}

export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN';
}

export class PayloadTooLarge extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}
