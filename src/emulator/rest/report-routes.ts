import type { FastifyInstance } from "fastify";
import type { ZoomReportRow, ZoomWorld } from "../world.js";
import { decodeInstanceUuidParam } from "./instance-uuid-param.js";
import { page, type PageQuery } from "./meeting-routes.js";
import type { RouteContext } from "./route-context.js";
import { sendZoomError } from "./zoom-error.js";

/**
 * Past meeting instances and the two participant reports. Reports answer Zoom's 3001 until the
 * instance has ended and its availability delay has passed (zoom/api issue #33: "Meeting ID is
 * invalid or not end."), so reconciliation must poll, as against Zoom.
 */
export function registerReportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { world } = ctx;

  app.get<{ Params: { meetingId: string } }>("/v2/past_meetings/:meetingId/instances", async (req, reply) => {
    const meetingId = req.params.meetingId;
    if (!/^\d{1,15}$/.test(meetingId)) return sendZoomError(reply, 404, 3001, `Meeting does not exist: ${meetingId}.`);
    const meetings = world.listEndedInstances(meetingId).map((i) => ({ uuid: i.uuid, start_time: i.startTime }));
    return { meetings };
  });

  app.get<{ Params: { id: string }; Querystring: PageQuery & { include_fields?: string } }>(
    "/v2/report/meetings/:id/participants",
    async (req, reply) => {
      const refusal = ctx.controls?.reportRefusal;
      if (refusal !== undefined) {
        // Zoom checks plan and scope before it looks at the instance.
        ctx.controls!.reportRefusals++;
        return refusal === "plan"
          ? sendZoomError(reply, 400, 200, `Only available for Paid or ZMP account: ${world.accountId}.`)
          : sendZoomError(reply, 400, 4711, "Invalid access token, does not contain scopes:[report:read:admin].");
      }
      const rows = readyRows(world, req.params.id);
      if ("error" in rows) return sendZoomError(reply, 404, 3001, rows.error);
      const withRegistrant = (req.query.include_fields ?? "").split(",").map((f) => f.trim()).includes("registrant_id");
      const participants = rows.rows.map((row) => reportRow(row, withRegistrant));
      return page(reply, participants, req.query, `report:${rows.uuid}:${withRegistrant}`, "participants", ctx);
    },
  );

  app.get<{ Params: { id: string }; Querystring: PageQuery }>("/v2/past_meetings/:id/participants", async (req, reply) => {
    const rows = readyRows(world, req.params.id);
    if ("error" in rows) return sendZoomError(reply, 404, 3001, rows.error);
    const participants = rows.rows.map(pastParticipantRow);
    return page(reply, participants, req.query, `past:${rows.uuid}`, "participants", ctx);
  });
}

/** The instance's rows once its report is available, or the 3001 message Zoom would give. */
function readyRows(world: ZoomWorld, param: string): { uuid: string; rows: ZoomReportRow[] } | { error: string } {
  const uuid = decodeInstanceUuidParam(param);
  if (uuid === undefined) return { error: "This meeting id does not belong to this account or it is not found or has expired." };
  const availability = world.reportAvailability(uuid);
  switch (availability.state) {
    case "unknown":
      return { error: "This meeting id does not belong to this account or it is not found or has expired." };
    case "in_progress":
    case "not_yet_available":
      return { error: "Meeting ID is invalid or not end." };
    case "ready":
      return { uuid: availability.instance.uuid, rows: availability.instance.reportRows };
  }
}

/** A row of /report/meetings/{uuid}/participants; `registrant_id` only when asked for. */
function reportRow(row: ZoomReportRow, withRegistrant: boolean) {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    user_email: row.user_email,
    join_time: row.join_time,
    leave_time: row.leave_time,
    duration: row.duration,
    ...(withRegistrant ? { registrant_id: row.registrant_id ?? "" } : {}),
    failover: row.failover ?? false,
    status: row.status ?? "in_meeting",
    customer_key: row.customer_key ?? "",
    participant_user_id: row.participant_user_id ?? row.id,
    ...(row.bo_mtg_id !== undefined ? { bo_mtg_id: row.bo_mtg_id } : {}),
  };
}

/** A row of /past_meetings/{uuid}/participants (no customer_key there, per Zoom's spec). */
function pastParticipantRow(row: ZoomReportRow) {
  return {
    id: row.id,
    name: row.name,
    user_id: row.user_id,
    registrant_id: row.registrant_id ?? "",
    user_email: row.user_email,
    join_time: row.join_time,
    leave_time: row.leave_time,
    duration: row.duration,
    failover: row.failover ?? false,
    status: row.status ?? "in_meeting",
    internal_user: row.internal_user ?? row.id !== "",
  };
}
