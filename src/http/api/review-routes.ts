import * as z from "zod";
import { listUsers } from "../../directory/index.js";
import { isoTime } from "../../json/index.js";
import { attendanceReport, instanceTimeline, reviewQueue } from "../../reports/index.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { instanceTimelineSchema, instanceUuidParam, reviewQueueSchema } from "./api-schemas.js";

/**
 * What a person reviewing attendance reads (the dashboard among them): one instance's timeline,
 * every session with its intervals, rooms and resolution, and the queue of sessions nobody was
 * found for, across instances or for one.
 */
export const reviewRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/timeline",
      summary: "One instance's timeline",
      description: "Every participant session, by first join: time in the meeting, waiting-room and breakout stretches, identifiers seen, whom it resolved to and how.",
      tags: ["instances", "review"],
      params: z.object({ uuid: instanceUuidParam }),
      responses: { 200: { description: "The timeline.", schema: instanceTimelineSchema }, 404: { description: "No such instance." } },
    },
    async ({ params }) => {
      const [report, timeline] = await Promise.all([attendanceReport(db, params.uuid, { policy: config.statusPolicy }), instanceTimeline(db, params.uuid)]);
      if (!report || !timeline) throw notFound("uuid", `no instance "${params.uuid}" has been seen`);
      const accountId = (await db.selectFrom("instances").select("account_id").where("instance_uuid", "=", params.uuid).executeTakeFirstOrThrow()).account_id;
      const names = new Map((await listUsers(db, accountId)).map((u) => [u.externalId, u.name]));
      return {
        instance: report.instance,
        spanFrom: isoTime(timeline.spanFrom),
        spanTo: isoTime(timeline.spanTo),
        shares: timeline.shares,
        sessions: timeline.sessions.map(({ userId, intervals, rooms, firstJoin, lastLeave, ...s }) => ({
          ...s,
          externalId: userId,
          userName: userId === null ? null : (names.get(userId) ?? null),
          firstJoin: isoTime(firstJoin),
          lastLeave: isoTime(lastLeave),
          intervals: intervals.map((i) => ({ from: isoTime(i.from)!, to: isoTime(i.to), closedByMeetingEnd: i.closedByMeetingEnd })),
          rooms: rooms.map((r) => ({ kind: r.kind, from: isoTime(r.from)!, to: isoTime(r.to) })),
          conflicts: s.conflicts.map((c) => ({ externalId: c.userId, method: c.method })),
        })),
      };
    },
  );

  api.route(
    {
      method: "GET",
      path: "/unresolved",
      summary: "Sessions to review, across instances",
      description:
        "Every session nobody was found for, newest instance first (or one instance's, with `instanceUuid`): identifiers seen, why nothing matched, " +
        "join and leave times, users with a similar e-mail or name. Link one with POST /instances/{uuid}/sessions/{sessionKey}/link.",
      tags: ["review"],
      query: z.object({
        instanceUuid: z.string().min(1).max(256).optional().describe("Only this instance's sessions."),
        limit: z.coerce.number({ error: "expected a whole number from 1 to 500" }).int({ error: "expected a whole number from 1 to 500" }).min(1).max(500).default(500).describe("At most this many (1–500, default 500)."),
      }),
      responses: { 200: { description: "The queue.", schema: reviewQueueSchema } },
    },
    async ({ query }) => ({ data: await reviewQueue(db, { limit: query.limit, ...(query.instanceUuid !== undefined ? { instanceUuid: query.instanceUuid } : {}) }) }),
  );
};
