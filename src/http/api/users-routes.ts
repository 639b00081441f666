import * as z from "zod";
import {
  DEFAULT_ACCOUNT,
  deleteUser,
  importUsers,
  ImportInterruptedError,
  parseUserCsvInSlices,
  patchUser,
  userImportRowSchema,
  userPatchSchema,
  userView,
  usersPage,
  UserImportError,
  validateUserRows,
  type UserImportRow,
} from "../../directory/index.js";
import { userAttendance } from "../../reports/index.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";
import { ApiError } from "./api-error.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { externalIdParam, importSummarySchema, isoDate, isoRangeEnd, meetingIdParam, pageQuery, userAttendanceSchema, userPageSchema, userSchema } from "./api-schemas.js";

/** The fields of a `rollcall users import` row, without `externalId` (it is in the path). */
const userBody = userImportRowSchema.omit({ externalId: true });

const userPath = z.object({ externalId: externalIdParam });

/**
 * `/api/v1/users`: the app's users in the default account (`*`), the same functions as
 * `rollcall users` (import rows, upsert, re-resolution of what changed links affect).
 */
export const usersRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;
  const privacy = () => privacySettingsFromConfig(config);

  api.route(
    {
      method: "GET",
      path: "/users",
      summary: "List users",
      description: "Users by `externalId`, a page at a time; follow `nextCursor` until it is null.",
      tags: ["users"],
      query: pageQuery,
      responses: { 200: { description: "A page of users.", schema: userPageSchema } },
    },
    async ({ query }) => {
      const page = await usersPage(db, DEFAULT_ACCOUNT, { limit: query.limit, ...(query.cursor !== undefined ? { after: decodeCursor(query.cursor) } : {}) });
      return { data: page.data, nextCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor) };
    },
  );

  api.route(
    {
      method: "PUT",
      path: "/users/{externalId}",
      summary: "Create or replace a user",
      description:
        "The fields of a `rollcall users import` row without `externalId`. Replaces the whole user: a field left out clears what the last import, " +
        "PUT or PATCH set (links learned from registrations, issued join links and manual links stay). To change one field or add a link " +
        "without restating the rest, use PATCH. Instances the changed links may change are re-resolved.",
      tags: ["users"],
      params: userPath,
      body: userBody,
      responses: { 200: { description: "Replaced.", schema: userSchema }, 201: { description: "Created.", schema: userSchema } },
    },
    async ({ params, body, reply }) => {
      const row = { ...body, externalId: params.externalId } as UserImportRow;
      const result = await importUsers(db, [row], { accountId: DEFAULT_ACCOUNT, privacy: privacy(), replace: true });
      reply.code(result.created > 0 ? 201 : 200);
      return userView(db, DEFAULT_ACCOUNT, params.externalId);
    },
  );

  api.route(
    {
      method: "PATCH",
      path: "/users/{externalId}",
      summary: "Change a user (merge)",
      description:
        "Merges into the user what the body gives, where PUT replaces: `email` and `name` set when given (null clears), kept when absent; " +
        "`add` and `remove` add or remove identifiers (`zoomUserIds`, `customerKeys`, `nameTokens`, `registrants`) without restating the others. " +
        "Added links count as the app's own (a later PUT or import that restates the list governs them); removed ones go whoever made them. " +
        "Instances the changed links may change are re-resolved.",
      tags: ["users"],
      params: userPath,
      body: userPatchSchema,
      responses: { 200: { description: "The user as it now stands.", schema: userSchema }, 404: { description: "No such user (create it with PUT)." } },
    },
    async ({ params, body }) => {
      const result = await patchUser(db, DEFAULT_ACCOUNT, params.externalId, body, { privacy: privacy() });
      if (!result) throw notFound("externalId", `no user "${params.externalId}"; create it with PUT`);
      return userView(db, DEFAULT_ACCOUNT, params.externalId);
    },
  );

  api.route(
    {
      method: "GET",
      path: "/users/{externalId}",
      summary: "Get a user",
      tags: ["users"],
      params: userPath,
      responses: { 200: { description: "The user with every identifier that recognises them.", schema: userSchema }, 404: { description: "No such user." } },
    },
    async ({ params }) => {
      const user = await userView(db, DEFAULT_ACCOUNT, params.externalId);
      if (!user) throw notFound("externalId", `no user "${params.externalId}"`);
      return user;
    },
  );

  api.route(
    {
      method: "DELETE",
      path: "/users/{externalId}",
      summary: "Delete a user",
      description: "Removes the user and their links; instances they were resolved in are re-resolved.",
      tags: ["users"],
      params: userPath,
      responses: { 204: { description: "Deleted." }, 404: { description: "No such user." } },
    },
    async ({ params, reply }) => {
      if (!(await deleteUser(db, DEFAULT_ACCOUNT, params.externalId))) throw notFound("externalId", `no user "${params.externalId}"`);
      return reply.code(204).send();
    },
  );

  api.route(
    {
      method: "POST",
      path: "/users/import",
      summary: "Import users",
      description: "A JSON array of `rollcall users import` rows, or the same CSV (`Content-Type: text/csv`). Upserts by `externalId`; absent fields are kept.",
      tags: ["users"],
      body: z.array(userImportRowSchema).or(z.string()),
      bodyAlternatives: { "text/csv": "The CSV `rollcall users import` reads (externalId,email,name,zoomUserIds,customerKeys,nameTokens,registrants)." },
      responses: {
        200: { description: "What the import changed.", schema: importSummarySchema },
        503: { description: "The service began stopping during the import: what committed stays; sending the same rows again finishes it." },
      },
    },
    async ({ request }) => {
      let rows: UserImportRow[];
      try {
        rows = typeof request.body === "string" ? await parseUserCsvInSlices(request.body, "body") : validateUserRows(request.body, "body");
      } catch (error) {
        if (error instanceof UserImportError) {
          const details = error.issues.map((issue) => {
            const colon = issue.indexOf(": ");
            return { path: colon > 0 ? issue.slice(0, colon) : "body", message: colon > 0 ? issue.slice(colon + 2) : issue };
          });
          throw new ApiError(400, "invalid_request", error.issues[0] ?? error.message, details);
        }
        throw error;
      }
      try {
        return await importUsers(api.deps.store ?? db, rows, { accountId: DEFAULT_ACCOUNT, privacy: privacy(), ...(api.deps.stopping ? { signal: api.deps.stopping } : {}) });
      } catch (error) {
        if (error instanceof ImportInterruptedError) throw new ApiError(503, "stopping", error.message);
        throw error;
      }
    },
  );

  api.route(
    {
      method: "GET",
      path: "/users/{externalId}/attendance",
      summary: "A user's attendance across instances",
      description: "Every instance the user attended, newest first, with the same status and figures as each instance's attendance.",
      tags: ["users", "attendance"],
      params: userPath,
      query: z.object({ meetingId: meetingIdParam.optional(), from: isoDate.optional().describe("Instances that started at or after."), to: isoRangeEnd.optional().describe("Instances that started before (a date: through that day).") }),
      responses: {
        200: { description: "The user's attendance.", schema: userAttendanceSchema },
        404: { description: "No such user, and no attendance under that id." },
      },
    },
    async ({ params, query }) => {
      const result = await userAttendance(db, params.externalId, {
        policy: config.statusPolicy,
        ...(query.meetingId !== undefined ? { meetingId: query.meetingId } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
      });
      if (result.instances.length === 0 && !(await userView(db, DEFAULT_ACCOUNT, params.externalId))) throw notFound("externalId", `no user "${params.externalId}"`);
      return result;
    },
  );
};

function encodeCursor(externalId: string): string {
  return Buffer.from(JSON.stringify({ after: externalId }), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "invalid_request", "query.cursor: expected the nextCursor of a previous page", [{ path: "query.cursor", message: "expected the nextCursor of a previous page" }]);
}
