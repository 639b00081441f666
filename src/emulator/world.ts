import { randomBytes, randomInt } from "node:crypto";
import { zoomTime } from "./zoom-time.js";

/**
 * The emulated Zoom account: users, meetings, registrants and past meeting instances with their
 * participant report rows. One plain in-memory object shared by the emulator's REST server
 * (`src/emulator/rest`) and the meeting simulator (`src/emulator/simulator`).
 *
 * It speaks only Zoom: field names are Zoom's REST names (snake_case), times are ISO-8601 UTC
 * strings, meeting numbers are numbers. Failures throw {@link ZoomWorldError}, which already carries
 * the HTTP status and the Zoom `{code, message}` the REST layer answers with.
 */

/** A Zoom user on the emulated account (GET /users/{userId}). */
export interface ZoomUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  /** 1 basic, 2 licensed. Registration needs a licensed host. */
  type: 1 | 2;
  account_id: string;
}

/** Registration-related meeting settings (subset of Zoom's `settings`). */
export interface ZoomMeetingSettings {
  /** 0 automatic approval, 1 manual approval, 2 no registration (Zoom's default). */
  approval_type: 0 | 1 | 2;
  /** Recurring fixed-time meetings only: 1 once for all, 2 each occurrence, 3 pick occurrences. */
  registration_type?: 1 | 2 | 3;
  registrants_email_notification?: boolean;
  registrants_confirmation_email?: boolean;
  waiting_room?: boolean;
  join_before_host?: boolean;
}

/** A scheduled or instant meeting (GET /meetings/{meetingId}). */
export interface ZoomMeeting {
  /** Meeting number; reused by every instance. */
  id: number;
  /** UUID of the current (or next) instance. */
  uuid: string;
  host_id: string;
  host_email: string;
  topic: string;
  /** 1 instant, 2 scheduled, 3 recurring no fixed time, 4 PMI, 8 recurring fixed time. */
  type: 1 | 2 | 3 | 4 | 8;
  status: "waiting" | "started";
  start_time?: string;
  duration: number;
  timezone: string;
  created_at: string;
  join_url: string;
  password: string;
  /** Present when registration is on (approval_type 0 or 1). */
  registration_url?: string;
  settings: ZoomMeetingSettings;
}

/** What a caller may pass when creating a meeting (POST /users/{userId}/meetings body subset). */
export interface CreateMeetingInput {
  topic?: string;
  type?: ZoomMeeting["type"];
  start_time?: string;
  duration?: number;
  timezone?: string;
  password?: string;
  settings?: Partial<ZoomMeetingSettings>;
}

/** A registrant of a meeting (GET /meetings/{id}/registrants item). */
export interface ZoomRegistrant {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: "approved" | "pending" | "denied";
  create_time: string;
  /** Personal join link; its `tk` query parameter is the registrant token. */
  join_url: string;
  /** Value of `tk` in `join_url`, kept so the simulator can map an SDK `tk` to the registrant. */
  token: string;
  participant_pin_code: number;
}

/** Registrant body subset accepted by POST /meetings/{id}/registrants and batch_registrants. */
export interface AddRegistrantInput {
  email: string;
  first_name: string;
  last_name?: string;
  auto_approve?: boolean;
}

/**
 * One row of `GET /report/meetings/{uuid}/participants`: one join session (a rejoin is a new row).
 * `registrant_id` is only returned by the REST layer when `include_fields=registrant_id` is asked.
 */
export interface ZoomReportRow {
  /** Zoom user id of a logged-in participant, "" for guests (and for external users since 2023). */
  id: string;
  /** Per-session participant id. */
  user_id: string;
  name: string;
  user_email: string;
  join_time: string;
  leave_time: string;
  /** Seconds in this session. */
  duration: number;
  registrant_id?: string;
  customer_key?: string;
  participant_user_id?: string;
  status?: "in_meeting" | "in_waiting_room";
  failover?: boolean;
  /** Breakout room id, when the row is a breakout session. */
  bo_mtg_id?: string;
  /** Only reported by /past_meetings/{uuid}/participants. */
  internal_user?: boolean;
}

/** One instance of a meeting (an occurrence, restart or PMI session), keyed by its UUID. */
export interface ZoomInstance {
  uuid: string;
  meetingId: number;
  startTime: string;
  /** Undefined while the instance is in progress. */
  endTime?: string;
  reportRows: ZoomReportRow[];
  /** Epoch ms from which the reports may be fetched (end + availability delay). */
  reportAvailableAt?: number;
}

/** Where an instance's participant report stands, as the report endpoints see it. */
export type ReportAvailability =
  | { state: "unknown" }
  | { state: "in_progress"; instance: ZoomInstance }
  | { state: "not_yet_available"; instance: ZoomInstance; availableAt: number }
  | { state: "ready"; instance: ZoomInstance };

/** A Zoom-shaped failure: the REST layer answers `status` with `{ code, message }`. */
export class ZoomWorldError extends Error {
  override readonly name = "ZoomWorldError";
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ZoomWorldOptions {
  /** Account id (as `ZOOM_ACCOUNT_ID`). Default: a random 22-character id. */
  accountId?: string;
  /** E-mail of the account owner, the user `/users/me` resolves to. Default `owner@emulated.zoom.test`. */
  ownerEmail?: string;
  /** Delay between an instance's end and its reports becoming available. Default 0 ms. */
  reportDelayMs?: number;
  /** Base of generated join links. Default `https://zoom.us`. */
  joinUrlBase?: string;
  /** Clock in epoch ms; injected so tests and the simulator's `--speed` control time. */
  now?: () => number;
}

/** Most registrants Zoom accepts on one meeting (zoom-facts §4a). */
export const MAX_REGISTRANTS_PER_MEETING = 4999;

/**
 * The in-memory Zoom account. Every method is small and synchronous; nothing here knows about HTTP.
 */
export class ZoomWorld {
  readonly accountId: string;
  readonly owner: ZoomUser;
  reportDelayMs: number;
  readonly now: () => number;
  private readonly joinUrlBase: string;
  private readonly users = new Map<string, ZoomUser>();
  private readonly meetings = new Map<number, ZoomMeeting>();
  private readonly registrants = new Map<number, ZoomRegistrant[]>();
  private readonly instances = new Map<string, ZoomInstance>();

  constructor(options: ZoomWorldOptions = {}) {
    this.accountId = options.accountId ?? zoomId();
    this.reportDelayMs = options.reportDelayMs ?? 0;
    this.now = options.now ?? Date.now;
    this.joinUrlBase = (options.joinUrlBase ?? "https://zoom.us").replace(/\/+$/, "");
    this.owner = this.addUser({ email: options.ownerEmail ?? "owner@emulated.zoom.test", first_name: "Account", last_name: "Owner" });
  }

  // ── users ────────────────────────────────────────────────────────────────────────────────

  /** Adds a (licensed, unless `type: 1`) user to the account and returns it. */
  addUser(input: { email: string; first_name?: string; last_name?: string; type?: 1 | 2; id?: string }): ZoomUser {
    const user: ZoomUser = {
      id: input.id ?? zoomId(),
      email: input.email,
      first_name: input.first_name ?? "",
      last_name: input.last_name ?? "",
      type: input.type ?? 2,
      account_id: this.accountId,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Finds a user by Zoom user id, e-mail, or `me` (the account owner, as S2S apps use it). */
  getUser(userIdOrEmail: string): ZoomUser {
    if (userIdOrEmail === "me") return this.owner;
    const byId = this.users.get(userIdOrEmail);
    if (byId) return byId;
    const lower = userIdOrEmail.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === lower) return user;
    throw new ZoomWorldError(404, 1001, `User does not exist: ${userIdOrEmail}.`);
  }

  /** Every user on the account, the owner first. */
  listUsers(): ZoomUser[] {
    return [...this.users.values()];
  }

  // ── meetings ─────────────────────────────────────────────────────────────────────────────

  /** Creates a meeting hosted by `hostIdOrEmail` (or `me`). Registration is on iff approval_type is 0 or 1. */
  createMeeting(hostIdOrEmail: string, input: CreateMeetingInput = {}): ZoomMeeting {
    const host = this.getUser(hostIdOrEmail);
    let id = meetingNumber();
    while (this.meetings.has(id)) id = meetingNumber();
    const type = input.type ?? 2;
    const password = input.password ?? randomBytes(4).toString("hex").slice(0, 6);
    const settings: ZoomMeetingSettings = { ...input.settings, approval_type: input.settings?.approval_type ?? 2 };
    // Zoom silently drops registration for unlicensed hosts (zoom-facts §4a, pitfall 19).
    if (host.type !== 2) settings.approval_type = 2;
    const meeting: ZoomMeeting = {
      id,
      uuid: newInstanceUuid(),
      host_id: host.id,
      host_email: host.email,
      topic: input.topic ?? "Zoom Meeting",
      type,
      status: "waiting",
      ...(input.start_time !== undefined ? { start_time: input.start_time } : {}),
      duration: input.duration ?? 60,
      timezone: input.timezone ?? "UTC",
      created_at: this.isoNow(),
      join_url: `${this.joinUrlBase}/j/${id}?pwd=${password}`,
      password,
      settings,
    };
    if (settings.approval_type !== 2) meeting.registration_url = `${this.joinUrlBase}/meeting/register/${zoomId()}`;
    this.meetings.set(id, meeting);
    this.registrants.set(id, []);
    return meeting;
  }

  /**
   * The meeting with this number, created (hosted by the owner) when the account has none: how a
   * simulated meeting with a scenario's own number is recorded where reports can find it.
   */
  ensureMeeting(meetingId: number | string, input: CreateMeetingInput = {}): ZoomMeeting {
    const existing = this.meetings.get(Number(meetingId));
    if (existing) return existing;
    const meeting = this.createMeeting("me", input);
    this.meetings.delete(meeting.id);
    this.registrants.delete(meeting.id);
    const id = Number(meetingId);
    const renumbered = { ...meeting, id, join_url: meeting.join_url.replace(`/j/${meeting.id}?`, `/j/${id}?`) };
    this.meetings.set(id, renumbered);
    this.registrants.set(id, []);
    return renumbered;
  }

  /** The meeting with this number, or a Zoom 3001 "Meeting does not exist" error. */
  getMeeting(meetingId: number | string): ZoomMeeting {
    const meeting = this.meetings.get(Number(meetingId));
    if (!meeting) throw new ZoomWorldError(404, 3001, `Meeting does not exist: ${meetingId}.`);
    return meeting;
  }

  /** Every meeting on the account, oldest first. */
  listMeetings(): ZoomMeeting[] {
    return [...this.meetings.values()];
  }

  // ── registrants ──────────────────────────────────────────────────────────────────────────

  /**
   * Registers one person. Registering the same e-mail twice returns the existing registrant, as
   * Zoom does. `auto_approve` approves on a manual-approval meeting.
   */
  addRegistrant(meetingId: number | string, input: AddRegistrantInput): ZoomRegistrant {
    const meeting = this.getMeeting(meetingId);
    if (meeting.settings.approval_type === 2) {
      // [UNCERTAIN] exact Zoom code for "registration not enabled"; 3000 is its generic meeting error.
      throw new ZoomWorldError(400, 3000, `Registration has not been enabled for this meeting: ${meeting.id}.`);
    }
    if (!input.email || !input.first_name) {
      throw new ZoomWorldError(400, 300, "Validation Failed: email and first_name are required.");
    }
    const list = this.registrants.get(meeting.id)!;
    const existing = list.find((r) => r.email.toLowerCase() === input.email.toLowerCase());
    if (existing) return existing;
    if (list.length >= MAX_REGISTRANTS_PER_MEETING) {
      throw new ZoomWorldError(400, 3000, `Meeting ${meeting.id} has reached the registrant limit of ${MAX_REGISTRANTS_PER_MEETING}.`);
    }
    const token = randomBytes(24).toString("base64url");
    const registrant: ZoomRegistrant = {
      id: zoomId(),
      email: input.email,
      first_name: input.first_name,
      last_name: input.last_name ?? "",
      status: meeting.settings.approval_type === 0 || input.auto_approve ? "approved" : "pending",
      create_time: this.isoNow(),
      join_url: `${this.joinUrlBase}/w/${meeting.id}?tk=${token}`,
      token,
      participant_pin_code: randomInt(100000, 1000000),
    };
    list.push(registrant);
    return registrant;
  }

  /** Registrants of a meeting with the given status (Zoom lists `approved` by default). */
  listRegistrants(meetingId: number | string, status: ZoomRegistrant["status"] = "approved"): ZoomRegistrant[] {
    const meeting = this.getMeeting(meetingId);
    return this.registrants.get(meeting.id)!.filter((r) => r.status === status);
  }

  /** The registrant whose join token (`tk`) this is, or undefined. Used by the simulator for SDK/link joins. */
  findRegistrantByToken(meetingId: number | string, tk: string): ZoomRegistrant | undefined {
    return this.registrants.get(Number(meetingId))?.find((r) => r.token === tk);
  }

  /** The registrant with this id on this meeting, or undefined. */
  findRegistrant(meetingId: number | string, registrantId: string): ZoomRegistrant | undefined {
    return this.registrants.get(Number(meetingId))?.find((r) => r.id === registrantId);
  }

  // ── instances and reports ────────────────────────────────────────────────────────────────

  /**
   * Marks an instance as started (reports then answer "meeting not ended" rather than "not found").
   * Default uuid: the meeting's current `uuid`.
   */
  recordStartedInstance(input: { meetingId: number | string; uuid?: string; startTime: string }): ZoomInstance {
    const meeting = this.getMeeting(input.meetingId);
    const uuid = input.uuid ?? meeting.uuid;
    const instance: ZoomInstance = { uuid, meetingId: meeting.id, startTime: input.startTime, reportRows: [] };
    this.instances.set(uuid, instance);
    meeting.uuid = uuid;
    meeting.status = "started";
    return instance;
  }

  /**
   * Called by the simulator when a simulated meeting ends: stores the instance with its report rows
   * (one per join session), makes the report available `reportDelayMs` after now, and gives the
   * meeting a fresh uuid for its next instance (Zoom does the same).
   */
  recordFinishedInstance(input: {
    meetingId: number | string;
    uuid: string;
    startTime: string;
    endTime: string;
    reportRows: ZoomReportRow[];
  }): ZoomInstance {
    const meeting = this.getMeeting(input.meetingId);
    const instance: ZoomInstance = {
      uuid: input.uuid,
      meetingId: meeting.id,
      startTime: input.startTime,
      endTime: input.endTime,
      reportRows: input.reportRows.map((row) => ({ ...row })),
      reportAvailableAt: this.now() + this.reportDelayMs,
    };
    this.instances.set(input.uuid, instance);
    meeting.status = "waiting";
    if (meeting.uuid === input.uuid) meeting.uuid = newInstanceUuid();
    return instance;
  }

  /** Ended instances of a meeting, oldest first (GET /past_meetings/{meetingId}/instances). */
  listEndedInstances(meetingId: number | string): ZoomInstance[] {
    const meeting = this.getMeeting(meetingId);
    return [...this.instances.values()]
      .filter((i) => i.meetingId === meeting.id && i.endTime !== undefined)
      .sort((a, b) => a.startTime.localeCompare(b.startTime));
  }

  /** The instance with this uuid, or undefined. */
  getInstance(uuid: string): ZoomInstance | undefined {
    return this.instances.get(uuid);
  }

  /**
   * Where the report for `meetingIdOrUuid` stands. A meeting number means its latest ended
   * instance, as on Zoom (zoom-facts §3).
   */
  reportAvailability(meetingIdOrUuid: string): ReportAvailability {
    let instance = this.instances.get(meetingIdOrUuid);
    if (!instance && /^\d+$/.test(meetingIdOrUuid) && this.meetings.has(Number(meetingIdOrUuid))) {
      instance = this.listEndedInstances(meetingIdOrUuid).at(-1);
    }
    if (!instance) return { state: "unknown" };
    if (instance.endTime === undefined || instance.reportAvailableAt === undefined) return { state: "in_progress", instance };
    if (this.now() < instance.reportAvailableAt) {
      return { state: "not_yet_available", instance, availableAt: instance.reportAvailableAt };
    }
    return { state: "ready", instance };
  }

  private isoNow(): string {
    return zoomTime(this.now());
  }
}

/**
 * A fresh instance UUID shaped like Zoom's: base64 of 16 random bytes (24 chars, ends `==`, may
 * contain `/` and `+`, may start with `/`).
 */
export function newInstanceUuid(): string {
  return randomBytes(16).toString("base64");
}

/** A Zoom-style opaque id (22 url-safe characters), as used for user, account and registrant ids. */
function zoomId(): string {
  return randomBytes(16).toString("base64url").slice(0, 22);
}

/** An 11-digit meeting number. */
function meetingNumber(): number {
  return randomInt(80_000_000, 99_999_999) * 1000 + randomInt(0, 1000);
}
