import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as z from "zod";
import type { ApiKeyScope, VerifiedApiKey } from "../../api-keys/index.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiError, validationError } from "./api-error.js";

export type ApiMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/** One documented answer of a route. */
export interface ApiResponseSpec {
  description: string;
  /** JSON body schema (omit for an empty body, e.g. 204). */
  schema?: z.ZodType;
  /** Other representations of the same answer, e.g. `{ "text/csv": "the CLI's CSV" }`. */
  alternatives?: Record<string, string>;
  /** A `text/event-stream` answer (Server-Sent Events), described in words. */
  stream?: string;
}

/** A route of `/api/v1`: its path, what it takes (zod schemas) and what it answers. */
export interface ApiRouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: ApiMethod;
  /** Under `/api/v1`, OpenAPI style: `/users/{externalId}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Default: `read` for GET, `write` otherwise. */
  scope?: ApiKeyScope;
  params?: P;
  query?: Q;
  body?: B;
  /** Request body types besides JSON (e.g. `text/csv`), with a word on each. */
  bodyAlternatives?: Record<string, string>;
  responses: Record<number, ApiResponseSpec>;
}

/** What a handler gets: validated input and the key that authenticated the request. */
export interface ApiInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  key: VerifiedApiKey;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Where route groups add their routes; the spec of each goes into `/openapi.json`. */
export interface ApiRouter {
  deps: ApiDeps;
  /** The authenticated, rate-limited `/api` scope itself, for what `route` cannot express (SSE). */
  fastify: FastifyInstance;
  /**
   * Adds a route: validates params, query and body against the spec's schemas (400 naming every
   * offending field), then calls the handler. What it returns is sent as JSON with the status it
   * set (`reply.code(201)`), 200 by default; `undefined` after the handler sent the reply itself.
   */
  route<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
    spec: ApiRouteSpec<P, Q, B>,
    handler: (input: ApiInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>,
  ): void;
}

/** A group of routes (one resource), added to the API by {@link registerApi}. */
export type ApiRouteGroup = (api: ApiRouter) => void;

/** `/users/{externalId}` → `/users/:externalId` (Fastify's syntax). */
export function fastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/** Builds the router for one scope; `specs` collects every route's spec for the OpenAPI document. */
export function createApiRouter(scope: FastifyInstance, deps: ApiDeps, specs: Array<ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>>): ApiRouter {
  return {
    deps,
    fastify: scope,
    route(spec, handler) {
      specs.push(spec as unknown as ApiRouteSpec<z.ZodType, z.ZodType, z.ZodType>);
      scope.route({
        method: spec.method,
        url: `/v1${fastifyPath(spec.path)}`,
        config: spec.scope ? { apiScope: spec.scope } : {},
        handler: async (request, reply) => {
          const params = parse(spec.params, request.params, "params");
          const query = parse(spec.query, request.query, "query");
          const body = parse(spec.body, request.body, "body");
          const result = await handler({ params, query, body, key: request.apiKey!, request, reply } as never);
          if (reply.sent || result === undefined) return reply;
          return reply.send(result);
        },
      });
    },
  };
}

function parse(schema: z.ZodType | undefined, value: unknown, location: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? (location === "body" ? undefined : {}));
  if (!parsed.success) throw validationError(parsed.error, location);
  return parsed.data;
}

/** A 404 in the API's shape for an unknown resource, naming the path parameter. */
export function notFound(param: string, message: string): ApiError {
  return new ApiError(404, "not_found", `${param}: ${message}`, [{ path: `params.${param}`, message }]);
}
