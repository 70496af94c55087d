// Liquid over HTML, the same rules wherever a template is HTML (a mail's `html`, a document template): every
// value a template writes is escaped, with no way out, and its markup is the template's own. Record values come
// from web forms and integrations; a contact named "<script>" is text in a mail and in a contract.
import { type Liquid, type LiquidOptions, filters } from 'liquidjs';

/**
 * A value that would run as script where a link or image takes it (`href="{{ contact.website }}"`), read as a
 * browser reads a URL: leading controls and spaces dropped, and every tab and line break removed wherever it is
 * ("java\tscript:" is "javascript:" to a browser).
 */
const SCRIPT_URL = /^[\u0000-\u0020]*(?:javascript|vbscript)\s*:/i;
const isScriptUrl = (value: string): boolean => SCRIPT_URL.test(value.replace(/[\t\n\r]/g, ''));

type Filter = (this: unknown, value: unknown, ...args: unknown[]) => string;

/**
 * Liquid's own escape_once (escapes what is not an entity yet), as an HTML engine's escape of every output: a value
 * escaped by the admin too (`{{ name | escape }}`, a common habit) or built with `{% capture %}` reaches the reader
 * once, not as "Tom &amp;amp; Jerry". A value that starts as a script URL is written `unsafe:…`, so a link built from
 * a record cannot run script in a client that would follow it (escaping does not change a URL's scheme).
 */
function escapeOnce(this: unknown, value: unknown): string {
  const escaped = (filters.escape_once as Filter).call(this, value);
  return isScriptUrl(escaped) ? `unsafe:${escaped}` : escaped;
}

/** The options an HTML engine is made with. */
export const htmlOutput: Pick<LiquidOptions, 'outputEscape'> = { outputEscape: escapeOnce };

/**
 * What an HTML engine changes after it is made. `| raw` would let a record's value through as markup, so it is
 * gone. `| newline_to_br` writes markup of its own: its value is escaped first and its `<br />`s kept, where
 * escaping its output would show them as text ("Line one&lt;br /&gt;").
 */
export function htmlOnly(engine: Liquid): void {
  engine.unregisterFilter('raw');
  engine.registerFilter('newline_to_br', {
    raw: true,
    handler(this: unknown, value: unknown) {
      return escapeOnce.call(this, value).replace(/\r?\n/g, '<br />\n');
    },
  });
}

/** Why a template does not parse, said for an HTML template's `| raw`, which the engine does not have. */
export function htmlProblem(message: string): string {
  return /undefined filter: raw\b/.test(message) ? `${message} (every value in HTML is escaped: "| raw" is not available)` : message;
}
