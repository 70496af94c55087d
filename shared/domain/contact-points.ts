// Normalised e-mails and phones: the form in which duplicates are found and the
// exceptions list is checked, so "A@x.com " and "a@x.com" are one address.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type ContactPointKind = 'email' | 'phone';

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return emailShape.test(email) ? email : undefined;
}

/** E.164 (`+` and digits) or undefined when the number is not a possible phone number. */
export function normalisePhone(value: string, defaultCountry?: CountryCode): string | undefined {
  const phone = parsePhoneNumberFromString(value.trim(), defaultCountry);
  return phone?.isPossible() ? phone.number : undefined;
}

/** An exceptions-list value: a phone when it parses as one, else an e-mail. */
export function normaliseContactPoint(
  value: string,
  defaultCountry?: CountryCode,
): { kind: ContactPointKind; value: string } | undefined {
  if (value.includes('@')) {
    const email = normaliseEmail(value);
    return email ? { kind: 'email', value: email } : undefined;
  }
  const phone = normalisePhone(value, defaultCountry);
  return phone ? { kind: 'phone', value: phone } : undefined;
}
