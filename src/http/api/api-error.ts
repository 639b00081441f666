import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import * as z from "zod";

/** One problem with a request: where (`body.email`, `query.limit`, `params.uuid`) and what was expected. */
export interface ApiErrorDetail {
  path: string;
  message: string;
}

/** The one error shape of `/api/v1`: `{"error": {"code", "message", "details"}}`. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe("Stable machine-readable code, e.g. `invalid_request`, `not_found`, `unauthorized`."),
      message: z.string().describe("What went wrong, naming the offending field."),
      details: z.array(z.object({ path: z.string(), message: z.string() })).describe("One entry per problem, each with the field's path."),
    }),
  })
  .describe("The one error shape of every /api route.")
  .meta({ id: "Error" });

/**
 * An answer other than success, in the API's error shape. Thrown by handlers (and the auth hook);
 * the API's error handler turns it into the response.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** A 400 from a zod failure: every issue with its path under `location` (`body`, `query`, `params`). */
export function validationError(error: z.ZodError, location: string): ApiError {
  const details = error.issues.map((issue) => ({ path: [location, ...issue.path.map(String)].join("."), message: issueMessage(issue) }));
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  return new ApiError(400, "invalid_request", `${first.path}: ${first.message}${more}`, details);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
  return issue.message;
}

/** The body of an error answer. */
export function errorBody(code: string, message: string, details: ApiErrorDetail[] = []): z.infer<typeof apiErrorSchema> {
  return { error: { code, message, details } };
}

/**
 * The API's error handler: {@link ApiError}s as they are, Fastify's own refusals (bad JSON, wrong
 * content type, too large, rate limited) in the same shape, anything else a 500 that says nothing
 * of the cause (which goes to the log by its code only).
 */
export function handleApiError(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
  const status = error.statusCode ?? 500;
  if (status === 429) return reply.code(429).send(errorBody("rate_limited", error.message || "too many requests: slow down and retry after the retry-after header's seconds"));
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return reply.code(415).send(errorBody("unsupported_media_type", "content-type: expected application/json (or text/csv where a route says so)"));
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return reply.code(413).send(errorBody("too_large", "body: larger than the limit"));
  if (error.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return reply.code(400).send(errorBody("invalid_request", "body: expected a JSON body", [{ path: "body", message: "expected a JSON body" }]));
  if (status >= 400 && status < 500) {
    // Fastify's JSON parser: "Unexpected token … in JSON at position 12" names no secret, only where.
    return reply.code(status).send(errorBody("invalid_request", `body: ${error.message}`, [{ path: "body", message: error.message }]));
  }
  request.log.error({ reqId: request.id, errorCode: error.code ?? error.name }, "api request failed");
  return reply.code(500).send(errorBody("internal", "internal error"));
}
