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

/**
 * The OpenAPI 3.1 document of the API, generated from the routes' zod schemas (JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is): request schemas as the client sends them (`io: "input"`),
 * answers as the server sends them.
 */
export function openApiDocument(specs: ReadonlyArray<ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>>, info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = `/api/v1${spec.path}`;
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      operationId: operationId(spec.method, spec.path),
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      responses: responses(spec),
      "x-scope": spec.scope ?? (spec.method === "GET" ? "read" : "write"),
    };
    if (spec.body) {
      const content: Record<string, unknown> = { "application/json": { schema: schemaOf(spec.body, "input") } };
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
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key from `rollcall keys create`." } } },
    paths,
  };
}

function responses(spec: ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const content: Record<string, unknown> = {};
    if (response.schema) content["application/json"] = { schema: schemaOf(response.schema, "output") };
    for (const [type, description] of Object.entries(response.alternatives ?? {})) content[type] = { schema: { type: "string", description } };
    if (response.stream !== undefined) content["text/event-stream"] = { schema: { type: "string", description: response.stream } };
    out[status] = { description: response.description, ...(Object.keys(content).length > 0 ? { content } : {}) };
  }
  const errors: Record<number, string> = { ...commonErrors };
  if (spec.params || spec.query || spec.body) errors[400] = "A parameter or the body is invalid; `message` and `details` name the field.";
  for (const [status, description] of Object.entries(errors)) {
    out[status] ??= { description, content: { "application/json": { schema: schemaOf(apiErrorSchema, "output") } } };
  }
  return out;
}

function parameters(schema: z.ZodType | undefined, location: "path" | "query"): unknown[] {
  if (!schema) return [];
  const json = schemaOf(schema, "input");
  const properties = (json["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json["required"] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: location, required: location === "path" || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete json["$schema"];
  return json;
}

function operationId(method: string, path: string): string {
  const words = path.split(/[/{}-]+/).filter((w) => w !== "");
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join("");
}
