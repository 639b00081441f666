import type { FastifyInstance, FastifyReply } from "fastify";
import * as z from "zod";
import { ZoomWorldError, type ZoomMeeting, type ZoomRegistrant } from "../world.js";
import { paginate } from "./paginate.js";
import type { RouteContext } from "./route-context.js";
import { sendZoomError } from "./zoom-error.js";

/** Most registrants one batch_registrants call accepts (zoom-facts §4a). */
export const MAX_BATCH_REGISTRANTS = 30;

const settingsSchema = z
  .object({
    approval_type: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    registration_type: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    registrants_email_notification: z.boolean().optional(),
    registrants_confirmation_email: z.boolean().optional(),
    waiting_room: z.boolean().optional(),
    join_before_host: z.boolean().optional(),
  })
  .loose();

const createMeetingSchema = z
  .object({
    topic: z.string().max(200).optional(),
    type: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(8)]).optional(),
    start_time: z.string().optional(),
    duration: z.number().int().nonnegative().optional(),
    timezone: z.string().optional(),
    password: z.string().max(10).optional(),
    settings: settingsSchema.optional(),
  })
  .loose();

const registrantSchema = z
  .object({
    email: z.email(),
    first_name: z.string().min(1).max(64),
    last_name: z.string().max(64).optional(),
    auto_approve: z.boolean().optional(),
  })
  .loose();

const batchSchema = z.object({
  auto_approve: z.boolean().optional(),
  registrants_confirmation_email: z.boolean().optional(),
  registrants: z.array(registrantSchema.omit({ auto_approve: true })).min(1),
});

const createUserSchema = z.object({
  action: z.enum(["create", "autoCreate", "custCreate", "ssoCreate"]),
  user_info: z.object({
    email: z.email(),
    type: z.union([z.literal(1), z.literal(2)]),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
  }),
});

/** Users, meetings and registrants: the parts of Zoom's Meetings API Rollcall uses. */
export function registerMeetingRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { world } = ctx;
  registerUserRoutes(app, ctx);

  app.post<{ Params: { userId: string } }>("/v2/users/:userId/meetings", async (req, reply) => {
    const body = validate(createMeetingSchema, req.body ?? {}, reply);
    if (!body) return reply;
    const meeting = world.createMeeting(req.params.userId, body as Parameters<typeof world.createMeeting>[1]);
    return reply.code(201).send(meetingBody(meeting));
  });

  app.get<{ Params: { userId: string }; Querystring: PageQuery }>("/v2/users/:userId/meetings", async (req, reply) => {
    const host = world.getUser(req.params.userId);
    const meetings = world.listMeetings().filter((m) => m.host_id === host.id).map(meetingBody);
    return page(reply, meetings, req.query, `meetings:${host.id}`, "meetings", ctx);
  });

  app.get<{ Params: { meetingId: string } }>("/v2/meetings/:meetingId", async (req) => meetingBody(world.getMeeting(meetingNumber(req.params.meetingId))));

  registerRegistrantRoutes(app, ctx);
}

/** A user, the list of users, and adding one. */
function registerUserRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { world } = ctx;

  app.get<{ Params: { userId: string } }>("/v2/users/:userId", async (req) => world.getUser(req.params.userId));

  app.get<{ Querystring: PageQuery }>("/v2/users", async (req, reply) => {
    return page(reply, world.listUsers(), req.query, "users", "users", ctx);
  });

  app.post("/v2/users", async (req, reply) => {
    const body = validate(createUserSchema, req.body, reply);
    if (!body) return reply;
    const user = world.addUser(body.user_info);
    return reply.code(201).send({ id: user.id, first_name: user.first_name, last_name: user.last_name, email: user.email, type: user.type });
  });
}

/** A meeting's registrants: registering one or a batch, listing them, reading one. */
function registerRegistrantRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { world } = ctx;

  app.post<{ Params: { meetingId: string } }>("/v2/meetings/:meetingId/registrants", async (req, reply) => {
    const body = validate(registrantSchema, req.body, reply);
    if (!body) return reply;
    const meeting = world.getMeeting(meetingNumber(req.params.meetingId));
    const registrant = world.addRegistrant(meeting.id, body);
    return reply.code(201).send({
      id: meeting.id,
      join_url: registrant.join_url,
      registrant_id: registrant.id,
      start_time: meeting.start_time ?? "",
      topic: meeting.topic,
      occurrences: [],
      participant_pin_code: registrant.participant_pin_code,
    });
  });

  app.get<{ Params: { meetingId: string }; Querystring: PageQuery & { status?: string } }>(
    "/v2/meetings/:meetingId/registrants",
    async (req, reply) => {
      const status = (req.query.status ?? "approved") as ZoomRegistrant["status"];
      if (!["approved", "pending", "denied"].includes(status)) {
        return sendZoomError(reply, 400, 300, "Validation Failed.", [{ field: "status", message: "expected approved, pending or denied" }]);
      }
      const meeting = world.getMeeting(meetingNumber(req.params.meetingId));
      const registrants = world.listRegistrants(meeting.id, status).map(registrantBody);
      return page(reply, registrants, req.query, `registrants:${meeting.id}:${status}`, "registrants", ctx);
    },
  );

  app.get<{ Params: { meetingId: string; registrantId: string } }>("/v2/meetings/:meetingId/registrants/:registrantId", async (req) => {
    const meeting = world.getMeeting(meetingNumber(req.params.meetingId));
    const registrant = world.findRegistrant(meeting.id, req.params.registrantId);
    // [UNCERTAIN] Zoom's code for an unknown registrant; 3001 is its generic "does not exist".
    if (!registrant) throw new ZoomWorldError(404, 3001, `Registrant does not exist: ${req.params.registrantId}.`);
    return registrantBody(registrant);
  });

  app.post<{ Params: { meetingId: string } }>("/v2/meetings/:meetingId/batch_registrants", async (req, reply) => {
    const body = validate(batchSchema, req.body, reply);
    if (!body) return reply;
    if (body.registrants.length > MAX_BATCH_REGISTRANTS) {
      return sendZoomError(reply, 400, 300, "Validation Failed.", [
        { field: "registrants", message: `at most ${MAX_BATCH_REGISTRANTS} registrants per request, got ${body.registrants.length}` },
      ]);
    }
    const meeting = world.getMeeting(meetingNumber(req.params.meetingId));
    if (meeting.type !== 2) {
      // [UNCERTAIN] Zoom's exact code; batch registration is documented for scheduled meetings only.
      return sendZoomError(reply, 400, 3000, `Batch registration is only supported for scheduled meetings; meeting ${meeting.id} has type ${meeting.type}.`);
    }
    const registrants = body.registrants.map((r) => world.addRegistrant(meeting.id, { ...r, auto_approve: body.auto_approve ?? false }));
    return reply.code(201).send({
      registrants: registrants.map((r) => ({ email: r.email, join_url: r.join_url, registrant_id: r.id, participant_pin_code: r.participant_pin_code })),
    });
  });
}

/** Query parameters of every paginated listing. */
export interface PageQuery {
  page_size?: string;
  next_page_token?: string;
}

/** Sends one page of `items` under `key`, or Zoom's 300 error for bad paging parameters. */
export function page<T>(reply: FastifyReply, items: readonly T[], query: PageQuery, scope: string, key: string, ctx: RouteContext) {
  const result = paginate(items, query, scope, ctx.pageTokens);
  if (!result.ok) return sendZoomError(reply, 400, 300, result.message);
  return reply.send({ ...result.meta, [key]: result.items });
}

/** A meeting number from the path; anything else is "does not exist", as on Zoom. */
function meetingNumber(param: string): number {
  if (!/^\d{1,15}$/.test(param)) throw new ZoomWorldError(404, 3001, `Meeting does not exist: ${param}.`);
  return Number(param);
}

function meetingBody(meeting: ZoomMeeting) {
  return { ...meeting, settings: { ...meeting.settings } };
}

function registrantBody(r: ZoomRegistrant) {
  return {
    id: r.id,
    email: r.email,
    first_name: r.first_name,
    last_name: r.last_name,
    status: r.status,
    create_time: r.create_time,
    join_url: r.join_url,
    participant_pin_code: r.participant_pin_code,
  };
}

/** Parses a body with `schema`, or answers Zoom's 300 "Validation Failed." naming the fields. */
function validate<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  sendZoomError(
    reply,
    400,
    300,
    "Validation Failed.",
    parsed.error.issues.map((issue) => ({ field: issue.path.join(".") || "body", message: issue.message })),
  );
  return undefined;
}
