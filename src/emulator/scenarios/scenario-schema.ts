import * as z from "zod";
import { DURATION_HINT, parseDuration } from "./duration.js";

/** An offset from the meeting's scheduled start, in seconds once parsed. */
const offset = z
  .union([z.number(), z.string()], { error: `expected ${DURATION_HINT}` })
  .transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: "custom", message: `expected ${DURATION_HINT}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return seconds;
  })
  .describe(`Offset from the meeting's scheduled start: ${DURATION_HINT}`);

/**
 * Faults in how Zoom delivers the webhook(s) of one timeline step. They change only *when* (or
 * whether) the body reaches the target, never what happened in the meeting, so ground truth ignores them.
 */
const deliverSchema = z
  .strictObject({
    delay: offset.optional().describe("Extra delay before the first delivery attempt."),
    duplicates: z.array(offset).optional().describe('Send the same body again, this long after the original delivery (e.g. Zoom\'s "85m" retry).'),
    drop: z.boolean().optional().describe("Zoom never delivers this step's webhooks."),
    holdUntilEnd: z.boolean().optional().describe("Hold this step's webhooks back until just after the (first) meeting.ended."),
  })
  .describe("Delivery faults of this step: when (or whether) its webhooks arrive, never what happened.");

const device = z.string().min(1).optional().describe('Which of the person\'s devices (default "default"): a second device is a second session.');

const leaveReason = z.enum(["left", "disconnected", "network", "removed"]).describe("Why the connection ended (Zoom's leave_reason).");

const stepSchema = z.discriminatedUnion(
  "do",
  [
    z.strictObject({
      do: z.literal("join"),
      at: offset,
      device,
      jbh: z.boolean().optional().describe("Joined before the host: participant_jbh_joined and meeting.started precede the join."),
      deliver: deliverSchema.optional(),
    }),
    z.strictObject({
      do: z.literal("leave"),
      at: offset,
      device,
      reason: leaveReason.optional(),
      deliver: deliverSchema.optional(),
    }),
    z.strictObject({ do: z.literal("rename"), at: offset, name: z.string() }),
    z.strictObject({ do: z.literal("waiting_room"), at: offset, device, deliver: deliverSchema.optional() }),
    z.strictObject({ do: z.literal("admit"), at: offset, device, deliver: deliverSchema.optional() }),
    z.strictObject({ do: z.literal("jbh_wait"), at: offset, device, deliver: deliverSchema.optional() }),
  ],
  { error: 'expected "do" to be one of join, leave, rename, waiting_room, admit, jbh_wait' },
);

/** How `registrant_id` appears on `participant_joined` (the leave always carries it). */
const registrantIdOnJoin = z.enum(["present", "null", "absent"]).describe("How registrant_id appears on participant_joined (the leave always carries it).");

const common = {
  id: z.string().min(1).describe("Scenario-local id, unique; ground truth is reported under it."),
  user: z.string().min(1).optional().describe("The app's own id for this person (its externalId; defaults to id): ground truth is grouped by it."),
  name: z.string().describe("Display name in Zoom (hidden on a HIPAA account)."),
  /** Overrides the scenario-wide `registrantIdOnJoin` for this participant. */
  registrantIdOnJoin: registrantIdOnJoin.optional(),
  timeline: z.array(stepSchema).min(1).describe('What the person does, in order: {do: join|leave|rename|waiting_room|admit|jbh_wait, at: "5m", …}.'),
};

const participantSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      ...common,
      kind: z.literal("registered_guest").describe("A guest who registered for the meeting (a per-user registration join link)."),
      email: z.email(),
      registrantId: z
        .string()
        .min(1)
        .optional()
        .describe("Zoom's registrant id; with simulate --emulator, absent means the one the emulator holds for this e-mail (rollcall links issue --kind registrant made it)."),
      /** When the person registered (offset from start); emits `meeting.registration_created`. */
      registeredAt: offset.optional(),
    }),
    z.strictObject({
      ...common,
      kind: z.literal("sdk").describe("Joins through the Meeting SDK with a customer key (the app's own key for the user)."),
      customerKey: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,35}$/, "expected 1 to 35 letters, digits, '_' or '-' (Zoom's customerKey limit)"),
      email: z.email().optional(),
      /** An SDK join may also pass a registrant token (`tk`). */
      registrantId: z.string().min(1).optional(),
    }),
    z.strictObject({
      ...common,
      kind: z.literal("logged_in").describe("Signed in to Zoom: webhooks carry the Zoom user id (and the e-mail when on the host's account)."),
      zoomUserId: z.string().min(1).optional(),
      email: z.email(),
      /** A user on the host's own account: their e-mail shows in webhooks (display rules, Mar 2022). */
      sameAccount: z.boolean().default(true),
    }),
    z.strictObject({ ...common, kind: z.literal("anonymous_guest").describe("A guest with nothing but a display name.") }),
    z.strictObject({
      ...common,
      kind: z.literal("phone").describe("A dial-in caller; with bindTo, Zoom binds the call to that participant's session."),
      phoneNumber: z.string().regex(/^\+?\d{6,15}$/, "expected a phone number of 6 to 15 digits"),
      /** Scenario id of the computer participant this phone leg binds to (`meeting.participant_bind`). */
      bindTo: z.string().min(1).optional(),
    }),
  ],
  { error: 'expected "kind" to be one of registered_guest, sdk, logged_in, anonymous_guest, phone' },
);

/** The whole scenario document, before cross-field checks (see `checkScenario`). */
export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    meeting: z.strictObject({
      number: z
        .union([z.string(), z.number()])
        .transform(String)
        .pipe(z.string().regex(/^\d{9,12}$/, "expected a meeting number of 9 to 12 digits")),
      topic: z.string(),
      product: z.enum(["meeting", "webinar"]).default("meeting"),
      /** Zoom meeting type (1, 2, 3, 4, 8) or webinar type (5, 6, 9); defaults to 2 or 5. */
      type: z.number().int().optional(),
      start: z.iso.datetime({ offset: true }),
      /** Scheduled length in minutes (what Zoom puts in `duration`). */
      duration: z.number().int().nonnegative(),
      timezone: z.string().default(""),
      uuid: z.string().min(1).optional(),
      host: z
        .strictObject({ id: z.string().min(1).optional(), participant: z.string().min(1).optional() })
        .default({}),
    }),
    account: z
      .strictObject({
        id: z.string().min(1).optional().describe("Zoom account id (payload.account_id); simulate --emulator uses the emulator's."),
        hipaa: z.boolean().default(false).describe("A HIPAA/BAA account: webhooks and reports carry no names or e-mails."),
      })
      .default({ hipaa: false }),
    registrantIdOnJoin: registrantIdOnJoin.default("present"),
    /** Which main-room leave reason a move to a breakout room carries; `mixed` picks per move (seeded). */
    breakoutLeaveReason: z.enum(["mixed", "breakout", "plain"]).default("mixed"),
    end: z.strictObject({
      at: offset,
      /** Zoom sometimes sends `meeting.ended` twice. */
      endedTwice: z.boolean().default(false),
    }),
    breakouts: z
      .array(
        z.strictObject({
          opens: offset,
          closes: offset,
          rooms: z.array(z.strictObject({ name: z.string().min(1), participants: z.array(z.string().min(1)) })).min(1),
        }),
      )
      .default([]),
    participants: z.array(participantSchema).min(1).describe("Everyone who joins, waits or calls in, each with a timeline."),
  })
  .describe("A Zoom meeting for `rollcall simulate`: who does what when, and how Zoom delivers it (see README, Scenario files).");

/** A scenario as written (durations still strings or numbers). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A parsed scenario: durations in seconds, defaults filled. */
export type Scenario = z.output<typeof scenarioSchema>;
/** One participant of a parsed scenario. */
export type ScenarioParticipant = Scenario["participants"][number];
/** One timeline step of a parsed scenario. */
export type TimelineStep = ScenarioParticipant["timeline"][number];
/** Delivery faults of one step. */
export type DeliveryFaults = z.output<typeof deliverSchema>;
/** Why a connection ended. */
export type LeaveReason = z.output<typeof leaveReason>;
