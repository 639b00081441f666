import { Readable } from "node:stream";
import * as z from "zod";
import { meetingRollup, rollupCsv } from "../../reports/index.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { attendanceStatusSchema, instanceSchema, meetingIdParam } from "./api-schemas.js";

const rollupSchema = z.object({
  meetingId: z.string(),
  topic: z.string().nullable(),
  instances: z.array(instanceSchema),
  users: z.array(
    z.object({
      externalId: z.string(),
      instancesAttended: z.number().describe("Instances with a status other than absent."),
      totalSeconds: z.number(),
      instances: z.array(z.object({ uuid: z.string(), status: attendanceStatusSchema.nullable(), attendedSeconds: z.number() })),
    }),
  ),
});

/** `/api/v1/meetings/{meetingId}/attendance`: the roll-up of a recurring meeting, exactly `rollcall attendance --meeting`. */
export const meetingsRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;
  api.route(
    {
      method: "GET",
      path: "/meetings/{meetingId}/attendance",
      summary: "A recurring meeting's roll-up",
      description: "Per user, across the meeting's instances (oldest first): instances attended, total time, each instance's status. `?format=csv` or `Accept: text/csv` for the CLI's CSV.",
      tags: ["meetings", "attendance"],
      params: z.object({ meetingId: meetingIdParam }),
      query: z.object({ format: z.enum(["json", "csv"]).optional() }),
      responses: { 200: { description: "The roll-up.", schema: rollupSchema, alternatives: { "text/csv": "One row per (user, instance)." } }, 404: { description: "No instance of the meeting seen." } },
    },
    async ({ params, query, request, reply }) => {
      const rollup = await meetingRollup(db, params.meetingId, { policy: config.statusPolicy });
      if (!rollup) throw notFound("meetingId", `no instance of meeting "${params.meetingId}" has been seen`);
      const accept = request.headers.accept ?? "";
      if (query.format === "csv" || (query.format === undefined && /(^|,)\s*text\/csv/i.test(accept) && !/application\/json/i.test(accept))) {
        return reply.type("text/csv; charset=utf-8").send(Readable.from([rollupCsv(rollup)]));
      }
      return rollup;
    },
  );
};
