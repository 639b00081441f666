import type { FastifyInstance } from "fastify";
import * as z from "zod";
import type { ZoomWorld } from "../world.js";
import type { AccessTokens } from "./access-tokens.js";
import type { EmulatorControls, RetryAfterForm } from "./controls.js";

const faultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("rate_limit"),
    count: z.number().int().min(1).default(1),
    retry_after_seconds: z.number().int().nonnegative().optional(),
    retry_after_date: z.iso.datetime().optional(),
    type: z.enum(["QPS", "Daily"]).default("QPS"),
  }),
  z.object({ kind: z.literal("server_error"), count: z.number().int().min(1).default(1), status: z.number().int().min(500).max(599).default(503) }),
]);

// `{ "refuse": "plan" | "scope" }` refuses the participant report endpoint; `{ "refuse": null }` allows it again.
const reportAccessSchema = z.object({ refuse: z.enum(["plan", "scope"]).nullable() });

/**
 * The emulator's own control panel (not part of Zoom): queue faults, refuse the participant report (plan or scope), read counters, revoke tokens.
 * Lets someone driving `rollcall emulator` from outside do what tests do through {@link EmulatorControls}.
 */
export function registerControlRoutes(app: FastifyInstance, deps: { world: ZoomWorld; controls: EmulatorControls; tokens: AccessTokens }): void {
  const { controls } = deps;

  app.post("/_emulator/faults", async (req, reply) => {
    const parsed = faultSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: "invalid fault", issues: parsed.error.issues });
    const fault = parsed.data;
    if (fault.kind === "server_error") controls.failNext(fault.count, fault.status);
    else {
      const form: RetryAfterForm =
        fault.retry_after_date !== undefined
          ? { date: new Date(fault.retry_after_date) }
          : fault.retry_after_seconds !== undefined
            ? { seconds: fault.retry_after_seconds }
            : { none: true };
      controls.rateLimitNext(fault.count, form, fault.type);
    }
    return reply.code(201).send({ pending_faults: controls.pendingFaults });
  });

  app.delete("/_emulator/faults", async () => {
    controls.clearFaults();
    return { pending_faults: 0 };
  });

  app.put("/_emulator/report-access", async (req, reply) => {
    const parsed = reportAccessSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: "invalid report access", issues: parsed.error.issues });
    controls.refuseReports(parsed.data.refuse ?? undefined);
    return { refuse: controls.reportRefusal ?? null };
  });

  app.get("/_emulator/stats", async () => ({
    account_id: deps.world.accountId,
    token_requests: controls.tokenRequests,
    api_requests: controls.apiRequests,
    unauthorized: controls.unauthorized,
    pending_faults: controls.pendingFaults,
    report_refusal: controls.reportRefusal ?? null,
    report_refusals: controls.reportRefusals,
  }));

  app.post("/_emulator/tokens/revoke", async () => {
    deps.tokens.revokeAll();
    return { revoked: true };
  });
}
