// Text search on records (docs/ARCHITECTURE.md §3): each searchable record's item carries one
// normalised text, and a query's `q` is normalised the same way: "müller" finds "Müller",
// "MULLER" and "Muller" — case, accents and spacing do not matter, spelling does.

/** Record types whose items carry a search text. */
export const searchableTypes = ['contact', 'company', 'lead', 'deal'] as const;
export type SearchableType = (typeof searchableTypes)[number];

export const isSearchable = (type: string): type is SearchableType => (searchableTypes as readonly string[]).includes(type);

/** Lower case, without accents, single spaces: what is stored and what is looked for. */
export function normaliseSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const texts = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * What a record is found by: a deal by its title and its contact's name, a lead by its title,
 * name, source, e-mails and phones, a contact or company by its name, e-mails and phones.
 */
export function searchTextOf(type: SearchableType, record: Record<string, unknown>, contactName?: string): string {
  const parts =
    type === 'deal'
      ? [...texts(record.title), ...(contactName ? [contactName] : [])]
      : type === 'lead'
        ? [...texts(record.title), ...texts(record.name), ...texts(record.source), ...texts(record.emails), ...texts(record.phones)]
        : [...texts(record.name), ...texts(record.emails), ...texts(record.phones)];
  // A separator no normalised query holds, so a query never matches across two parts.
  return parts.map(normaliseSearch).join('\n');
}
