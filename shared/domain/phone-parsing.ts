// Phone numbers parsed with libphonenumber-js and its metadata (≈ 70 KB): imported on first use through
// contact-points.ts, so a function or request that meets no phone never loads it (docs/ARCHITECTURE.md §12).
import { type CountryCode, isSupportedCountry as supported, parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 (`+` and digits) or undefined when the number is not a possible phone number. */
export function normalisePhone(value: string, defaultCountry?: CountryCode): string | undefined {
  const phone = parsePhoneNumberFromString(value.trim(), defaultCountry);
  return phone?.isPossible() ? phone.number : undefined;
}

/** A country libphonenumber-js knows the numbering plan of (ISO 3166 alpha-2, upper case). */
export const isSupportedCountry = (code: string): boolean => supported(code);
