// Liquid templates in automation actions ("Renewal: {{ deal.title }}"): checked when an automation is
// saved, rendered by run-action and by dry runs. The engine reads no files and stops runaway templates.
import { Liquid } from 'liquidjs';
import { htmlOnly, htmlOutput, htmlProblem } from './liquid-html.ts';

const LIMITS = {
  /** Characters a template may have; the schema's own limits are lower. */
  parseLimit: 100_000,
  /** Milliseconds one render may take: `{% for i in (1..100000000) %}` fails instead of stalling a run. */
  renderLimit: 500,
  /** Bytes a render may allocate for strings and arrays. */
  memoryLimit: 5_000_000,
};

const DATE_FILTERS = ['date', 'date_to_xmlschema', 'date_to_rfc822', 'date_to_string', 'date_to_long_string'] as const;
type FilterThis = { context: { environments: Record<string, unknown> } };

// Partials would read the Lambda's file system; automations have no partials.
const FILE_TAGS = ['include', 'render', 'layout'] as const;

/** How a template's output is written: as text, or into HTML, where every value is escaped. */
export interface RenderOptions {
  timeZone: string;
  /** The template is HTML (a mail's `html`): every `{{ value }}` is HTML-escaped, with no way out. */
  html?: boolean;
}

function createEngine(timeZone: string, html: boolean): Liquid {
  const engine = new Liquid({
    // A missing value renders as empty: "{{ deal.amount }}" on a deal without an amount is not an error.
    strictVariables: false,
    // An unknown filter is a typo the admin should hear about when saving, not an empty string in a mail.
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {},
    timezoneOffset: timeZone,
    // A mail's HTML: every value escaped, with no way out (liquid-html.ts).
    ...(html ? htmlOutput : {}),
    ...LIMITS,
  });
  if (html) htmlOnly(engine);
  // Liquid reads "now" and "today" in date filters from the machine's clock; a run renders at its own `now`
  // (the local clock in local mode, which can be moved forward), so those filters read it from the context.
  for (const name of DATE_FILTERS) {
    const builtIn = engine.filters[name];
    if (!builtIn) continue;
    const handler = typeof builtIn === 'function' ? builtIn : builtIn.handler;
    engine.registerFilter(name, function (this: FilterThis, value: unknown, ...args: unknown[]) {
      const now = value === 'now' || value === 'today' ? this.context.environments.now : undefined;
      return handler.call(this as never, typeof now === 'string' ? now : value, ...args);
    });
  }
  // `{{ deal.amount | json }}` in a webhook's body: a missing value is JSON's null, not nothing ("amount": } is no JSON).
  const json = engine.filters.json;
  const jsonHandler = json && (typeof json === 'function' ? json : json.handler);
  if (jsonHandler) {
    engine.registerFilter('json', function (this: unknown, value: unknown, ...args: unknown[]) {
      return value === undefined ? 'null' : (jsonHandler as (this: unknown, ...all: unknown[]) => unknown).call(this, value, ...args);
    });
  }
  for (const tag of FILE_TAGS) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`the ${tag} tag is not available in automations`);
      },
      render() {
        return '';
      },
    });
  }
  return engine;
}

const engines = new Map<string, Liquid>();
function engineFor(timeZone: string, html = false): Liquid {
  const key = `${html ? 'html' : 'text'} ${timeZone}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine(timeZone, html);
    engines.set(key, engine);
  }
  return engine;
}

/** Why a template does not parse, or undefined when it does; an HTML template has no `| raw`. */
export function templateProblem(source: string, options: { html?: boolean } = {}): string | undefined {
  try {
    engineFor('UTC', options.html).parse(source);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return options.html ? htmlProblem(message) : message;
  }
}

/**
 * The context variables a template reads, each as its path (`deal.title` → ["deal", "title"]); names a
 * template assigns itself are not among them. Dynamic parts (`deal[key]`) end the path. Throws on a template
 * that does not parse (the schema refuses those first).
 */
export function templateVariables(source: string): string[][] {
  const segments = engineFor('UTC').globalVariableSegmentsSync(source);
  return segments.map((path) => {
    const names: string[] = [];
    for (const segment of path) {
      if (typeof segment !== 'string') break;
      names.push(segment);
    }
    return names;
  });
}

// The variables a template sees are built without Liquid (template-context.ts); its importers find them here too.
export { type TemplateContextInput, templateContext } from './template-context.ts';

export function renderTemplate(source: string, context: Record<string, unknown>, options: RenderOptions): string {
  const engine = engineFor(options.timeZone, options.html);
  return String(engine.renderSync(engine.parse(source), context));
}
