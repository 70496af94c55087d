// A small reader of the JSON Schema subset /openapi.json uses (type, properties,
// required, additionalProperties, items, enum, anyOf), to check that real replies
// are what the document promises.
type Schema = Record<string, unknown>;

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const matchesType = (declared: unknown, value: unknown): boolean => {
  const actual = typeOf(value);
  const types = Array.isArray(declared) ? declared : [declared];
  return types.some((type) => type === actual || (type === 'number' && actual === 'integer'));
};

/** Every way `value` departs from `schema`, each as "path: what"; empty when it conforms. */
export function schemaViolations(schema: Schema, value: unknown, path = '(body)'): string[] {
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as Schema[]).map((branch) => schemaViolations(branch, value, path));
    return branches.some((violations) => violations.length === 0) ? [] : (branches[0] ?? []);
  }
  if (schema.type !== undefined && !matchesType(schema.type, value)) return [`${path}: is ${typeOf(value)}, documented as ${String(schema.type)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of the documented values`];
  const violations: string[] = [];
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => {
      violations.push(...schemaViolations(schema.items as Schema, item, `${path}.${index}`));
    });
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in record)) violations.push(`${path}.${name}: required but missing`);
    for (const [name, property] of Object.entries(record)) {
      const declared = properties[name];
      if (declared) violations.push(...schemaViolations(declared, property, `${path}.${name}`));
      else if (schema.additionalProperties === false) violations.push(`${path}.${name}: not documented`);
      else if (typeof schema.additionalProperties === 'object')
        violations.push(...schemaViolations(schema.additionalProperties as Schema, property, `${path}.${name}`));
    }
  }
  return violations;
}

/** The JSON schema of an operation's success reply in an OpenAPI document. */
export function successSchema(document: any, method: string, path: string): Schema {
  const operation = document.paths?.[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`/openapi.json has no ${method} ${path}`);
  const [status] = Object.keys(operation.responses).filter((code) => code.startsWith('2'));
  const schema = operation.responses[status ?? '200']?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`/openapi.json documents no JSON reply for ${method} ${path}`);
  return schema;
}

/** The JSON schema of an operation's request body in an OpenAPI document. */
export function requestSchema(document: any, method: string, path: string): Schema | undefined {
  return document.paths?.[path]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
}

/** Property names a request body schema documents (across anyOf branches). */
export function documentedFields(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema];
  return [...new Set(branches.flatMap((branch) => Object.keys((branch.properties ?? {}) as object)))];
}
