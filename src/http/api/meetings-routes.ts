import { Readable } from "node:stream";
import * as z from "zod";
import { meetingRollup, rollupCsv } from "../../reports/index.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { meetingIdParam, meetingRollupSchema } from "./api-schemas.js";

/** `/api/v1/meetings/{meetingId}/attendance`: the roll-up of a recurring meeting, exactly `rollcall attendance --meeting`. */
export const meetingsRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;
  const rollupOf = async (meetingId: string) => {
    const rollup = await meetingRollup(db, meetingId, { policy: config.statusPolicy });
    if (!rollup) throw notFound("meetingId", `no instance of meeting "${meetingId}" has been seen`);
    return rollup;
  };
  const meetingPath = z.object({ meetingId: meetingIdParam });

  api.route(
    {
      method: "GET",
      path: "/meetings/{meetingId}/attendance",
      summary: "A recurring meeting's roll-up",
      description:
        "Per user, across the meeting's instances (oldest first): instances attended, total time, each instance's status. As CSV: " +
        "`GET /meetings/{meetingId}/attendance.csv` (this path also answers CSV to `Accept: text/csv` or `?format=csv`, for older clients).",
      tags: ["meetings", "attendance"],
      params: meetingPath,
      responses: { 200: { description: "The roll-up.", schema: meetingRollupSchema }, 404: { description: "No instance of the meeting seen." } },
    },
    async ({ params, request, reply }) => {
      const rollup = await rollupOf(params.meetingId);
      const format = (request.query as { format?: unknown } | undefined)?.format;
      const accept = request.headers.accept ?? "";
      if (format === "csv" || (format === undefined && /(^|,)\s*text\/csv/i.test(accept) && !/application\/json/i.test(accept))) {
        return reply.type("text/csv; charset=utf-8").send(Readable.from([rollupCsv(rollup)]));
      }
      return rollup;
    },
  );

  api.route(
    {
      method: "GET",
      path: "/meetings/{meetingId}/attendance.csv",
      summary: "A recurring meeting's roll-up as CSV",
      description: "Exactly `rollcall attendance --meeting ID --format csv`: one row per (user, instance).",
      tags: ["meetings", "attendance"],
      params: meetingPath,
      responses: { 200: { description: "The roll-up as CSV.", alternatives: { "text/csv": "One row per (user, instance), with a header row." } }, 404: { description: "No instance of the meeting seen." } },
    },
    async ({ params, reply }) => reply.type("text/csv; charset=utf-8").send(Readable.from([rollupCsv(await rollupOf(params.meetingId))])),
  );
};
