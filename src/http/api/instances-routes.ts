import { Readable } from "node:stream";
import * as z from "zod";
import type { FastifyReply } from "fastify";
import { attendanceCsv, attendanceReport, instanceCursor, listInstances, type AttendanceReport, type InstanceCursor } from "../../reports/index.js";
import { ApiError } from "./api-error.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { attendanceReportSchema, instancePageSchema, instanceUuidParam, isoDate, isoRangeEnd, meetingIdParam, pageQuery } from "./api-schemas.js";

const instancePath = z.object({ uuid: instanceUuidParam });

/**
 * `/api/v1/instances`: the listing and one instance's attendance (JSON or CSV, exactly the CLI's).
 * Its sessions to review and manual links: `manual-link-routes.ts`.
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
};

/** The CSV download of a report. */
function sendCsv(reply: FastifyReply, report: AttendanceReport): FastifyReply {
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="attendance-${report.instance.meetingId}-${(report.instance.startTime ?? "").slice(0, 10) || "undated"}.csv"`)
    .send(Readable.from([attendanceCsv(report)]));
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
