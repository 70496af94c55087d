// The fields a person sees and edits per record type, and how form text becomes API input.
// Validation is the API's own: the zod schemas of shared/domain, so messages read the same.
import { providePhoneParsing } from '#shared/domain/contact-points.ts';
import { createSchemas, leadStages, patchSchemas } from '#shared/domain/entities.ts';
import * as phoneParsing from '#shared/domain/phone-parsing.ts';
import { plainMessage } from '#shared/domain/validation.ts';
import type { z } from 'zod';
import { type RecordCollection, type RecordType, recordTypeOfCollection } from '../../../lib/records';

// The Lambda functions load phone parsing on first use; the console checks phones as a person types.
providePhoneParsing(phoneParsing);

export type FieldKind = 'text' | 'number' | 'list' | 'date' | 'user' | 'contact' | 'company' | 'pipeline' | 'stage' | 'leadStage' | 'currency';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
}

export const fieldsOf: Record<RecordType, FieldSpec[]> = {
  deal: [
    { name: 'title', label: 'Title', kind: 'text', required: true },
    { name: 'pipelineId', label: 'Pipeline', kind: 'pipeline', required: true },
    { name: 'stageId', label: 'Stage', kind: 'stage', required: true },
    { name: 'amount', label: 'Amount', kind: 'number' },
    { name: 'currency', label: 'Currency', kind: 'currency' },
    { name: 'contactId', label: 'Contact', kind: 'contact' },
    { name: 'companyId', label: 'Company', kind: 'company' },
    { name: 'responsibleId', label: 'Responsible', kind: 'user' },
    { name: 'closeDate', label: 'Close date', kind: 'date' },
  ],
  contact: [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'emails', label: 'E-mails', kind: 'list' },
    { name: 'phones', label: 'Phones', kind: 'list' },
    { name: 'companyId', label: 'Company', kind: 'company' },
    { name: 'responsibleId', label: 'Responsible', kind: 'user' },
  ],
  company: [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'emails', label: 'E-mails', kind: 'list' },
    { name: 'phones', label: 'Phones', kind: 'list' },
    { name: 'responsibleId', label: 'Responsible', kind: 'user' },
  ],
  lead: [
    { name: 'title', label: 'Title', kind: 'text', required: true },
    { name: 'name', label: 'Name', kind: 'text' },
    { name: 'emails', label: 'E-mails', kind: 'list' },
    { name: 'phones', label: 'Phones', kind: 'list' },
    { name: 'source', label: 'Source', kind: 'text' },
    { name: 'stageId', label: 'Stage', kind: 'leadStage' },
    { name: 'responsibleId', label: 'Responsible', kind: 'user' },
  ],
};

export const leadStageOptions = leadStages.map((stage) => ({ value: stage, label: stage.replace('_', ' ') }));

export const typeOf = (collection: RecordCollection): RecordType => recordTypeOfCollection[collection];

export const singular: Record<RecordCollection, string> = { deals: 'deal', contacts: 'contact', companies: 'company', leads: 'lead' };

export function isCollection(value: string | undefined): value is RecordCollection {
  return value === 'deals' || value === 'contacts' || value === 'companies' || value === 'leads';
}

/** Form text → the API's value: lists split on commas and new lines, numbers parsed, blanks left out. */
export function toInput(kind: FieldKind, text: string): unknown {
  const trimmed = text.trim();
  if (kind === 'list') return trimmed ? trimmed.split(/[\n,;]+/).map((item) => item.trim()).filter(Boolean) : [];
  if (trimmed === '') return undefined;
  if (kind === 'number') return Number(trimmed.replace(',', '.'));
  return trimmed;
}

/** A stored value → form text. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

export type FieldErrors = Record<string, string>;

function errorsOf(issues: ReadonlyArray<z.core.$ZodIssue>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || 'form';
    // A list item's error belongs to the list field.
    const field = path.split('.')[0] ?? path;
    errors[field] ??= plainMessage(issue);
  }
  return errors;
}

/** Checks a create form with the API's schema: the input to send, or the errors by field. */
export function validateCreate(type: RecordType, values: Record<string, string>): { input: Record<string, unknown> } | { errors: FieldErrors } {
  const input: Record<string, unknown> = {};
  for (const field of fieldsOf[type]) {
    const value = toInput(field.kind, values[field.name] ?? '');
    if (value !== undefined) input[field.name] = value;
  }
  const result = createSchemas[type].safeParse(input, { reportInput: true });
  if (!result.success) return { errors: errorsOf(result.error.issues) };
  // Send what the person typed; the API normalises it itself (defaults, e-mail case).
  return { input };
}

/** Checks a one-field change; a cleared optional field becomes null (JSON merge patch). */
export function validatePatch(type: RecordType, name: string, kind: FieldKind, text: string): { patch: Record<string, unknown> } | { error: string } {
  const value = toInput(kind, text);
  const patch = { [name]: value === undefined ? null : value };
  const result = patchSchemas[type].safeParse(patch, { reportInput: true });
  if (!result.success) return { error: errorsOf(result.error.issues)[name] ?? (result.error.issues[0] ? plainMessage(result.error.issues[0]) : 'invalid') };
  return { patch };
}
