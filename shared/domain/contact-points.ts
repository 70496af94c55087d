// Normalised e-mails and phones: the form in which duplicates are found and the
// exceptions list is checked, so "A@x.com " and "a@x.com" are one address.
// Phone parsing (phone-parsing.ts, libphonenumber-js) is loaded by the first call that meets a phone.
import type { CountryCode } from 'libphonenumber-js';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';

export type ContactPointKind = 'email' | 'phone';
export type PhoneParsing = typeof import('./phone-parsing.ts');

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return emailShape.test(email) ? email : undefined;
}

let phoneParsing: PhoneParsing | undefined;

/** Loads phone parsing (once; a failed load is tried again next time); the schemas' phone checks need it loaded. */
export const loadPhoneParsing = loadedOnFirstUse(async () => (phoneParsing = await import('./phone-parsing.ts')));

/** For a runtime that bundles phone parsing anyway (the console): the schemas check phones without a load. */
export function providePhoneParsing(parsing: PhoneParsing): void {
  phoneParsing = parsing;
}

/**
 * Phone parsing for the zod schemas, which check synchronously: whoever parses a phone with them awaits
 * loadPhoneParsing() first (shared/crm/settings.ts withNationalPhones does for records).
 */
export function loadedPhoneParsing(): PhoneParsing {
  if (!phoneParsing) throw new Error('Phone parsing is not loaded: await loadPhoneParsing() before checking a phone with a schema.');
  return phoneParsing;
}

/** E.164 (`+` and digits) or undefined when the number is not a possible phone number. */
export async function normalisePhone(value: string, defaultCountry?: CountryCode): Promise<string | undefined> {
  return (await loadPhoneParsing()).normalisePhone(value, defaultCountry);
}

/** An exceptions-list value: a phone when it parses as one, else an e-mail. */
export async function normaliseContactPoint(
  value: string,
  defaultCountry?: CountryCode,
): Promise<{ kind: ContactPointKind; value: string } | undefined> {
  if (value.includes('@')) {
    const email = normaliseEmail(value);
    return email ? { kind: 'email', value: email } : undefined;
  }
  const phone = await normalisePhone(value, defaultCountry);
  return phone ? { kind: 'phone', value: phone } : undefined;
}
