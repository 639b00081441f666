import type { FastifyInstance } from "fastify";
import * as z from "zod";
import type { EventSockets } from "../websocket/event-sockets.js";
import type { ZoomWorld } from "../world.js";
import { zoomTime } from "../zoom-time.js";

const meetingSchema = z.strictObject({
  /** A number of the scenario's own (9 to 12 digits); absent: the emulator picks one. */
  number: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{9,12}$/, "expected 9 to 12 digits")).optional(),
  topic: z.string().max(200).optional(),
  /** Registration on (approval_type 0), so `rollcall links issue --kind registrant` can add registrants. */
  registration: z.boolean().default(true),
  start_time: z.string().optional(),
  duration: z.number().int().nonnegative().optional(),
});

const reportRowSchema = z.record(z.string(), z.unknown());

const instanceSchema = z.strictObject({
  meeting_number: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{9,12}$/, "expected 9 to 12 digits")),
  topic: z.string().optional(),
  uuid: z.string().min(1),
  start_time: z.iso.datetime({ offset: true }),
  /** Absent: the instance has started; present: it ended, and its report rows become available. */
  end_time: z.iso.datetime({ offset: true }).optional(),
  report_rows: z.array(reportRowSchema).default([]),
});

const deliverSchema = z.strictObject({
  subscription_id: z.string().min(1).optional(),
  /** The event body, as a webhook would carry it (object, or its JSON text). */
  event: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
});

const targetSchema = z.strictObject({ subscription_id: z.string().min(1).optional() });
const refuseSchema = z.strictObject({ count: z.number().int().min(1).default(1) });

/**
 * The emulator's own routes for playing a meeting (not part of Zoom): create a meeting, record a
 * simulated instance and its participant report (so reconciliation finds it), deliver events over
 * the event WebSocket, and break that socket on demand (drop, silence, refuse).
 */
export function registerSimulationRoutes(app: FastifyInstance, deps: { world: ZoomWorld; sockets: EventSockets }): void {
  const { world, sockets } = deps;
  const invalid = (issues: z.core.$ZodIssue[]) => ({ error: "invalid request", issues: issues.map((i) => ({ path: i.path.join("."), message: i.message })) });

  app.post("/_emulator/meetings", async (req, reply) => {
    const parsed = meetingSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    const { number, topic, registration, start_time, duration } = parsed.data;
    const input = { ...(topic !== undefined ? { topic } : {}), ...(start_time !== undefined ? { start_time } : {}), ...(duration !== undefined ? { duration } : {}), settings: { approval_type: registration ? (0 as const) : (2 as const) } };
    const meeting = number !== undefined ? world.ensureMeeting(number, input) : world.createMeeting("me", input);
    return reply.code(201).send(meeting);
  });

  // The simulator's lookup: a scenario's registered guest takes the registrant id issued for its e-mail.
  app.get("/_emulator/meetings/:meetingId/registrants", async (req) => {
    const { meetingId } = req.params as { meetingId: string };
    const known = world.listMeetings().some((m) => String(m.id) === meetingId);
    return { registrants: known ? world.listRegistrants(meetingId).map((r) => ({ id: r.id, email: r.email })) : [] };
  });

  app.post("/_emulator/instances", async (req, reply) => {
    const parsed = instanceSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    const i = parsed.data;
    world.ensureMeeting(i.meeting_number, { ...(i.topic !== undefined ? { topic: i.topic } : {}), settings: { approval_type: 0 } });
    world.recordStartedInstance({ meetingId: i.meeting_number, uuid: i.uuid, startTime: i.start_time });
    if (i.end_time === undefined) return reply.code(201).send({ uuid: i.uuid, state: "started" });
    const instance = world.recordFinishedInstance({
      meetingId: i.meeting_number,
      uuid: i.uuid,
      startTime: i.start_time,
      endTime: i.end_time,
      reportRows: i.report_rows as never,
    });
    return reply.code(201).send({ uuid: instance.uuid, state: "ended", report_available_at: zoomTime(instance.reportAvailableAt!), report_rows: instance.reportRows.length });
  });

  app.post("/_emulator/websocket/deliver", async (req, reply) => {
    const parsed = deliverSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    const subscriptionId = parsed.data.subscription_id ?? onlySubscription(sockets);
    const body = typeof parsed.data.event === "string" ? parsed.data.event : JSON.stringify(parsed.data.event);
    if (sockets.deliver(subscriptionId, body)) return { delivered: true };
    return reply.code(409).send({ delivered: false, reason: `no open connection for subscription ${subscriptionId}: Zoom does not keep the event` });
  });

  app.get("/_emulator/websocket", async () => ({ subscriptions: sockets.status() }));

  app.post("/_emulator/websocket/drop", async (req, reply) => {
    const parsed = targetSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    return { dropped: sockets.drop(parsed.data.subscription_id) };
  });

  app.post("/_emulator/websocket/silence", async (req, reply) => {
    const parsed = targetSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    return { silenced: sockets.silence(parsed.data.subscription_id) };
  });

  app.post("/_emulator/websocket/refuse", async (req, reply) => {
    const parsed = refuseSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    sockets.refuseNext(parsed.data.count);
    return { refusing: parsed.data.count };
  });
}

/** With one subscription configured, deliveries need not name it. */
function onlySubscription(sockets: EventSockets): string {
  const [first] = sockets.subscriptions;
  return first ?? "";
}
