import * as z from "zod";
import { apiErrorSchema } from "./api-error.js";
import type { ApiRouteSpec } from "./api-route.js";

type JsonSchema = Record<string, unknown>;

/** Statuses every authenticated route may answer, documented once for all of them. */
const commonErrors: Record<number, string> = {
  401: "No `Authorization: Bearer <key>`, or the key is unknown or revoked.",
  403: "The key is read-only and the route writes.",
  429: "Too many requests for this key; retry after `retry-after` seconds.",
};

/** Named schemas (`components.schemas`) collected while the document is built. */
type Components = Record<string, JsonSchema>;

/**
 * The OpenAPI 3.1 document of the API, generated from the routes' zod schemas (JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is): request schemas as the client sends them (`io: "input"`),
 * answers as the server sends them. Schemas given an id (`.meta({ id: "AttendeeRow" })`) become
 * named `components.schemas` that operations refer to, so generated clients get named types; every
 * error answer refers to `Error`.
 */
export function openApiDocument(specs: ReadonlyArray<ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>>, info: { version: string; serverUrl?: string }): JsonSchema {
  const components: Components = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = `/api/v1${spec.path}`;
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      operationId: operationId(spec.method, spec.path),
      parameters: [...parameters(spec.params, "path", components), ...parameters(spec.query, "query", components)],
      responses: responses(spec, components),
      "x-scope": spec.scope ?? (spec.method === "GET" ? "read" : "write"),
    };
    if (spec.body) {
      const content: Record<string, unknown> = { "application/json": { schema: schemaOf(spec.body, "input", components) } };
      for (const [type, description] of Object.entries(spec.bodyAlternatives ?? {})) content[type] = { schema: { type: "string", description } };
      operation["requestBody"] = { required: true, content };
    }
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Rollcall API",
      version: info.version,
      description:
        "Which of your own users attended a Zoom meeting, when, and for how long. Every `/api` route needs `Authorization: Bearer <key>` " +
        "(`rollcall keys create --name NAME [--scope read|write]`). Errors have one shape: `{\"error\": {\"code\", \"message\", \"details\"}}`. " +
        "Instance uuids go into paths URL-encoded once (they contain `/`, `+`, `=`).",
    },
    // `ROLLCALL_PUBLIC_URL`, else the server the document was read from (the route fills it in per request).
    servers: [{ url: info.serverUrl ?? "/", description: "This Rollcall." }],
    security: [{ apiKey: [] }],
    components: { schemas: components, securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key from `rollcall keys create`." } } },
    paths,
  };
}

function responses(spec: ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>, components: Components): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const errorContent = () => ({ "application/json": { schema: schemaOf(apiErrorSchema, "output", components) } });
  for (const [status, response] of Object.entries(spec.responses)) {
    const content: Record<string, unknown> = {};
    if (response.schema) content["application/json"] = { schema: schemaOf(response.schema, "output", components) };
    else if (Number(status) >= 400) Object.assign(content, errorContent());
    for (const [type, description] of Object.entries(response.alternatives ?? {})) content[type] = { schema: { type: "string", description } };
    if (response.stream !== undefined) content["text/event-stream"] = { schema: { type: "string", description: response.stream } };
    out[status] = { description: response.description, ...(Object.keys(content).length > 0 ? { content } : {}) };
  }
  const errors: Record<number, string> = { ...commonErrors };
  if (spec.params || spec.query || spec.body) errors[400] = "A parameter or the body is invalid; `message` and `details` name the field.";
  for (const [status, description] of Object.entries(errors)) out[status] ??= { description, content: errorContent() };
  return out;
}

function parameters(schema: z.ZodType | undefined, location: "path" | "query", components: Components): unknown[] {
  if (!schema) return [];
  const json = schemaOf(schema, "input", components);
  const properties = (json["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json["required"] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: location, required: location === "path" || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

/**
 * A zod schema as JSON Schema; the named schemas it holds (and itself, when named) go into
 * `components`, referred to by `$ref`. A name whose input shape differs from its output shape is
 * kept apart as `<Name>Input`.
 */
function schemaOf(schema: z.ZodType, io: "input" | "output", components: Components): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete json["$schema"];
  const defs = (json["$defs"] ?? {}) as Record<string, JsonSchema>;
  delete json["$defs"];
  const names = new Map<string, string>();
  const rename = (value: JsonSchema): JsonSchema =>
    JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_, id: string) => JSON.stringify(`#/components/schemas/${names.get(id) ?? id}`))) as JsonSchema;
  for (const [id, def] of Object.entries(defs)) {
    const existing = components[id];
    names.set(id, existing === undefined || canonical(existing) === canonical(rename(def)) ? id : io === "input" ? `${id}Input` : `${id}Output`);
  }
  for (const [id, def] of Object.entries(defs)) components[names.get(id)!] ??= rename(def);
  // A named root comes back from zod as a `$ref` to its own definition.
  return rename(json);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}
function operationId(method: string, path: string): string {
  const words = path.split(/[/{}-]+/).filter((w) => w !== "");
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join("");
}
