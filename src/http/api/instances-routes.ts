import { Readable } from "node:stream";
import * as z from "zod";
import { DirectoryError, linkSessionManually, unlinkSessionManually } from "../../directory/index.js";
import type { FastifyReply } from "fastify";
import { attendanceCsv, attendanceReport, instanceCursor, listInstances, unresolvedReview, type AttendanceReport, type InstanceCursor } from "../../reports/index.js";
import { ApiError } from "./api-error.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { attendanceReportSchema, instancePageSchema, instanceUuidParam, isoDate, isoRangeEnd, meetingIdParam, pageQuery, reviewSessionSchema } from "./api-schemas.js";

const instancePath = z.object({ uuid: instanceUuidParam });
const sessionPath = z.object({ uuid: instanceUuidParam, sessionKey: z.string().min(1, { error: "expected a session key" }).max(256).describe("`sessionKey` from the unresolved list.") });

/**
 * `/api/v1/instances`: the listing, one instance's attendance (JSON or CSV, exactly the CLI's), the
 * sessions to review, and manual links.
 */
export const instancesRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;
  const instanceReport = async (uuid: string): Promise<AttendanceReport> => {
    const report = await attendanceReport(db, uuid, { policy: config.statusPolicy });
    if (!report) throw notFound("uuid", `no instance "${uuid}" has been seen`);
    return report;
  };

  api.route(
    {
      method: "GET",
      path: "/instances",
      summary: "List instances",
      description: "Meeting occurrences seen, newest first, a page at a time (follow `nextCursor`).",
      tags: ["instances"],
      query: pageQuery.extend({
        meetingId: meetingIdParam.optional(),
        from: isoDate.optional().describe("Started at or after (ISO-8601)."),
        to: isoRangeEnd.optional().describe("Started before (ISO-8601; a date: through that day)."),
        status: z.enum(["live", "ended", "finalized"]).optional(),
        q: z.string().max(200).optional().describe("Only instances whose topic contains this (any case), or whose meeting number contains its digits."),
      }),
      responses: { 200: { description: "A page of instances.", schema: instancePageSchema } },
    },
    async ({ query }) => {
      const rows = await listInstances(db, {
        limit: query.limit + 1,
        ...(query.meetingId !== undefined ? { meetingId: query.meetingId } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.q !== undefined ? { search: query.q } : {}),
        ...(query.cursor !== undefined ? { after: decodeCursor(query.cursor) } : {}),
      });
      const page = rows.slice(0, query.limit);
      return {
        data: page.map(({ accountId: _accountId, ...instance }) => instance),
        nextCursor: rows.length > query.limit ? encodeCursor(instanceCursor(page.at(-1)!)) : null,
      };
    },
  );

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/attendance",
      summary: "One instance's attendance",
      description:
        "Exactly `rollcall attendance --instance UUID --format json`. The same report as CSV: `GET /instances/{uuid}/attendance.csv` " +
        "(this path also answers CSV to `Accept: text/csv` or `?format=csv`, for older clients).",
      tags: ["instances", "attendance"],
      params: instancePath,
      responses: { 200: { description: "The attendance report.", schema: attendanceReportSchema }, 404: { description: "No such instance." } },
    },
    async ({ params, request, reply }) => {
      const report = await instanceReport(params.uuid);
      const format = (request.query as { format?: unknown } | undefined)?.format;
      if (format === "csv" || (format === undefined && prefersCsv(request.headers.accept))) return sendCsv(reply, report);
      return report;
    },
  );

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/attendance.csv",
      summary: "One instance's attendance as CSV",
      description: "Exactly `rollcall attendance --instance UUID --format csv`: one row per attendee, then one per unresolved session (cells a spreadsheet would run as a formula are neutralised).",
      tags: ["instances", "attendance"],
      params: instancePath,
      responses: { 200: { description: "The attendance report as CSV.", alternatives: { "text/csv": "The report as CSV, with a header row." } }, 404: { description: "No such instance." } },
    },
    async ({ params, reply }) => sendCsv(reply, await instanceReport(params.uuid)),
  );

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/unresolved",
      summary: "Sessions to review",
      description:
        "Each unresolved session (identifiers seen, why nothing matched, users with a similar e-mail or name and a score), and each " +
        "resolved session whose evidence also pointed at someone else (both sides). Link one with POST …/sessions/{sessionKey}/link.",
      tags: ["instances", "review"],
      params: instancePath,
      responses: { 200: { description: "Sessions to review.", schema: z.object({ data: z.array(reviewSessionSchema) }) }, 404: { description: "No such instance." } },
    },
    async ({ params }) => {
      const data = await unresolvedReview(db, params.uuid);
      if (!data) throw notFound("uuid", `no instance "${params.uuid}" has been seen`);
      return { data };
    },
  );

  api.route(
    {
      method: "POST",
      path: "/instances/{uuid}/sessions/{sessionKey}/link",
      summary: "Link a session to a user by hand",
      description: "Says \"this session is that user\". Attendance follows before the answer (`resolvedBy: \"manual\"`). DELETE the same path undoes it.",
      tags: ["instances", "review"],
      params: sessionPath,
      body: z.strictObject({ externalId: z.string().min(1, { error: "expected the app's non-empty id of the user" }) }),
      responses: {
        200: { description: "Linked; the instance's attendance as it now stands.", schema: attendanceReportSchema },
        404: { description: "No such instance, session or user." },
      },
    },
    async ({ params, body }) => {
      const marked = await directory(() => linkSessionManually(db, { instanceUuid: params.uuid, sessionKey: params.sessionKey, externalId: body.externalId }));
      await api.deps.settle?.(marked);
      return attendanceReport(db, params.uuid, { policy: config.statusPolicy });
    },
  );

  api.route(
    {
      method: "DELETE",
      path: "/instances/{uuid}/sessions/{sessionKey}/link",
      summary: "Undo a manual link",
      tags: ["instances", "review"],
      params: sessionPath,
      responses: {
        200: { description: "Unlinked; the instance's attendance as it now stands.", schema: attendanceReportSchema },
        404: { description: "No such instance, or the session has no manual link." },
      },
    },
    async ({ params }) => {
      const marked = await directory(() => unlinkSessionManually(db, { instanceUuid: params.uuid, sessionKey: params.sessionKey }));
      await api.deps.settle?.(marked);
      return attendanceReport(db, params.uuid, { policy: config.statusPolicy });
    },
  );
};

/** The CSV download of a report. */
function sendCsv(reply: FastifyReply, report: AttendanceReport): FastifyReply {
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="attendance-${report.instance.meetingId}-${(report.instance.startTime ?? "").slice(0, 10) || "undated"}.csv"`)
    .send(Readable.from([attendanceCsv(report)]));
}

/** The directory's "unknown instance / session / user" as a 404 naming the parameter. */
async function directory<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    // The directory names CLI flags (--instance, --session, --user); the API names its own fields.
    const message = error.message.replace(/^--instance: /, "").replace(/^--session: /, "").replace(/^--user: /, "");
    const path = error.message.startsWith("--instance") ? "params.uuid" : error.message.startsWith("--session") ? "params.sessionKey" : "body.externalId";
    throw new ApiError(404, "not_found", `${path.split(".")[1]}: ${message}`, [{ path, message }]);
  }
}

/** Whether an Accept header asks for CSV before JSON. */
function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(",").map((t) => t.split(";")[0]!.trim().toLowerCase());
  const csv = types.indexOf("text/csv");
  const json = types.indexOf("application/json");
  return csv >= 0 && (json < 0 || csv < json);
}

function encodeCursor(cursor: InstanceCursor): string {
  return Buffer.from(JSON.stringify([cursor.sortTime, cursor.uuid]), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): InstanceCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === "number" && typeof parsed[1] === "string") return { sortTime: parsed[0], uuid: parsed[1] };
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "invalid_request", "query.cursor: expected the nextCursor of a previous page", [{ path: "query.cursor", message: "expected the nextCursor of a previous page" }]);
}
