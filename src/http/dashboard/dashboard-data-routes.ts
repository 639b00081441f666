import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as z from "zod";
import type { StatusPolicy } from "../../config/index.js";
import { DirectoryError, linkSessionManually, listUsers } from "../../directory/index.js";
import {
  attendanceCsv,
  attendanceReport,
  instanceCounts,
  instanceTimeline,
  listInstances,
  unresolvedReview,
  unresolvedSessions,
  userAttendance,
  type LinkSuggestion,
} from "../../reports/index.js";
import type { RollcallDatabase } from "../../store/index.js";
import type { DashboardPrincipal } from "./dashboard-auth.js";

/** What the dashboard's JSON routes need. */
export interface DashboardDataOptions {
  store: RollcallDatabase;
  policy: StatusPolicy;
  /** The request's signed-in key (set by the session check that guards these routes). */
  principal: (request: FastifyRequest) => DashboardPrincipal;
  /** Where Zoom should send webhooks, for the empty state. */
  webhookUrl: (request: FastifyRequest) => string;
}

const instancesQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  q: z.string().max(200).optional(),
});
const instanceQuery = z.strictObject({ uuid: z.string().min(1).max(200) });
const userQuery = z.strictObject({ externalId: z.string().min(1).max(200) });
const linkBody = z.strictObject({
  instanceUuid: z.string().min(1).max(200),
  sessionKey: z.string().min(1).max(200),
  externalId: z.string().trim().min(1).max(200),
});

const DAY_MS = 86_400_000;

/**
 * The JSON the dashboard's pages read, under `/dashboard/api/`: thin translations onto the same
 * report and directory functions the CLI and the API call. Registered inside the dashboard's
 * session check; the one write (a manual link) also needs a write-scope key and the CSRF header.
 */
export async function dashboardDataRoutes(app: FastifyInstance, options: DashboardDataOptions): Promise<void> {
  const db = options.store.db;

  app.get("/dashboard/api/session", async (request, reply) => {
    const principal = options.principal(request);
    return { name: principal.name, scope: principal.scope, csrfToken: reply.generateCsrf(), webhookUrl: options.webhookUrl(request) };
  });

  app.get("/dashboard/api/instances", async (request, reply) => {
    const query = parse(instancesQuery, request.query, reply);
    if (!query) return reply;
    const instances = await listInstances(db, {
      ...(query.from ? { from: Date.parse(`${query.from}T00:00:00Z`) } : {}),
      ...(query.to ? { to: Date.parse(`${query.to}T00:00:00Z`) + DAY_MS } : {}),
      limit: 500,
    });
    const needle = query.q?.trim().toLowerCase();
    const shown = needle ? instances.filter((i) => i.meetingId.includes(needle.replace(/\s+/g, "")) || (i.topic ?? "").toLowerCase().includes(needle)) : instances;
    const counts = await instanceCounts(db, shown.map((i) => i.uuid));
    return {
      data: shown.map((i) => ({
        uuid: i.uuid,
        meetingId: i.meetingId,
        topic: i.topic,
        startTime: i.startTime,
        endTime: i.endTime,
        status: i.status,
        sessions: i.sessions,
        attendees: counts.get(i.uuid)?.attendees ?? 0,
        unresolved: counts.get(i.uuid)?.unresolved ?? 0,
      })),
    };
  });

  app.get("/dashboard/api/instance", async (request, reply) => {
    const query = parse(instanceQuery, request.query, reply);
    if (!query) return reply;
    const [report, timeline] = await Promise.all([attendanceReport(db, query.uuid, { policy: options.policy }), instanceTimeline(db, query.uuid)]);
    if (!report || !timeline) return notFound(reply, `uuid: no instance "${query.uuid}" has been seen`);
    const accountId = (await db.selectFrom("instances").select("account_id").where("instance_uuid", "=", query.uuid).executeTakeFirstOrThrow()).account_id;
    const users = await listUsers(db, accountId);
    const names = new Map(users.map((u) => [u.externalId, u.name]));
    const suggestions = await suggestionsFor(db, query.uuid, names);
    const sourcesOf = new Map<string, Set<string>>();
    for (const s of timeline.sessions) if (s.userId) (sourcesOf.get(s.userId) ?? sourcesOf.set(s.userId, new Set()).get(s.userId)!).add(s.method === "manual" ? "manual" : s.source);
    return {
      now: Date.now(),
      instance: { ...report.instance, spanFrom: timeline.spanFrom, spanTo: timeline.spanTo },
      attendees: report.attendees.map((a) => ({
        ...a,
        name: names.get(a.externalId) ?? null,
        shareOfInstance: timeline.shares[a.externalId] ?? 0,
        source: [...(sourcesOf.get(a.externalId) ?? [])].sort().join("+") || null,
      })),
      sessions: timeline.sessions.map((s) => ({ ...s, userName: s.userId ? (names.get(s.userId) ?? null) : null })),
      unresolved: timeline.sessions
        .filter((s) => s.userId === null)
        .map((s) => ({ ...s, suggestions: suggestions.get(s.sessionKey) ?? [] })),
    };
  });

  app.get("/dashboard/api/instance/attendance.csv", async (request, reply) => {
    const query = parse(instanceQuery, request.query, reply);
    if (!query) return reply;
    const report = await attendanceReport(db, query.uuid, { policy: options.policy });
    if (!report) return notFound(reply, `uuid: no instance "${query.uuid}" has been seen`);
    const fileName = `attendance-${report.instance.meetingId}-${(report.instance.startTime ?? "").slice(0, 10) || "undated"}.csv`;
    return reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${fileName}"`).send(attendanceCsv(report));
  });

  app.get("/dashboard/api/unresolved", async () => {
    const queue = await unresolvedSessions(db, { limit: 500 });
    const names = new Map((await db.selectFrom("directory_users").select(["external_id", "name"]).execute()).map((u) => [u.external_id, u.name]));
    const byInstance = new Map<string, Map<string, ReturnType<typeof named>[]>>();
    for (const uuid of new Set(queue.map((q) => q.instanceUuid))) byInstance.set(uuid, await suggestionsFor(db, uuid, names));
    return { data: queue.map((item) => ({ ...item, suggestions: byInstance.get(item.instanceUuid)?.get(item.sessionKey) ?? [] })) };
  });

  app.get("/dashboard/api/users", async () => {
    const rows = await db.selectFrom("directory_users").select(["external_id", "name"]).orderBy("external_id").limit(5000).execute();
    const seen = new Set<string>();
    return { data: rows.filter((r) => !seen.has(r.external_id) && seen.add(r.external_id)).map((r) => ({ externalId: r.external_id, name: r.name })) };
  });

  app.get("/dashboard/api/user", async (request, reply) => {
    const query = parse(userQuery, request.query, reply);
    if (!query) return reply;
    const user = await db.selectFrom("directory_users").select(["external_id", "name", "email"]).where("external_id", "=", query.externalId).executeTakeFirst();
    const { instances } = await userAttendance(db, query.externalId, { policy: options.policy });
    if (!user && instances.length === 0) return notFound(reply, `externalId: no user "${query.externalId}"`);
    return {
      user: { externalId: query.externalId, name: user?.name ?? null, email: user?.email ?? null },
      attendance: instances.map((a) => ({
        instanceUuid: a.instance.uuid,
        meetingId: a.instance.meetingId,
        topic: a.instance.topic,
        startTime: a.instance.startTime,
        status: a.status,
        attendedSeconds: a.attendedSeconds,
        sessions: a.sessions,
        resolvedBy: a.resolvedBy,
        confidence: a.confidence,
      })),
    };
  });

  app.post("/dashboard/api/link", { preValidation: app.csrfProtection }, async (request, reply) => {
    if (options.principal(request).scope !== "write") {
      return sendError(reply, 403, "forbidden", "this API key is read-only: sign in with a write key to link sessions");
    }
    const body = parse(linkBody, request.body, reply);
    if (!body) return reply;
    try {
      const marked = await linkSessionManually(db, body);
      return { linked: true, reresolving: marked };
    } catch (error) {
      if (error instanceof DirectoryError) return sendError(reply, 404, "not_found", error.message.replace(/^--(instance|session|user)/, (_, f: string) => ({ instance: "instanceUuid", session: "sessionKey", user: "externalId" })[f]!));
      throw error;
    }
  });
}

/** The review's suggestions (users with a similar name or e-mail) per session key, with each user's name. */
async function suggestionsFor(db: RollcallDatabase["db"], instanceUuid: string, names: Map<string, string | null>): Promise<Map<string, ReturnType<typeof named>[]>> {
  const review = (await unresolvedReview(db, instanceUuid)) ?? [];
  return new Map(review.map((r) => [r.sessionKey, r.suggestions.map((s) => named(s, names))]));
}

function named(suggestion: LinkSuggestion, names: Map<string, string | null>): LinkSuggestion & { name: string | null } {
  return { ...suggestion, name: names.get(suggestion.externalId) ?? null };
}

function parse<T>(schema: z.ZodType<T>, input: unknown, reply: FastifyReply): T | undefined {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  void sendError(reply, 400, "invalid_request", details.map((d) => `${d.path || "(body)"}: ${d.message}`).join("; "), details);
  return undefined;
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return sendError(reply, 404, "not_found", message);
}

/** The API's error shape, so the front end reads one kind of error. */
function sendError(reply: FastifyReply, status: number, code: string, message: string, details: unknown[] = []): FastifyReply {
  return reply.code(status).send({ error: { code, message, details } });
}
