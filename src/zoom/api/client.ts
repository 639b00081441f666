import { AccessTokenProvider } from "./access-token.js";
import { systemClock, type Clock } from "./clock.js";
import { encodeInstanceUuid } from "./instance-uuid.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
import type {
  AddedRegistrant,
  BatchRegistrant,
  CreateMeetingRequest,
  Meeting,
  PastInstance,
  PastParticipant,
  Registrant,
  RegistrantInput,
  ReportParticipant,
  ZoomUser,
} from "./types.js";
import { ZoomHttp, type RetryEvent } from "./zoom-http.js";

import { DEFAULT_API_BASE_URL, DEFAULT_OAUTH_URL } from "../../config/config-schema.js";

/** Zoom's public endpoints (declared with the config keys that override them). */
export { DEFAULT_API_BASE_URL, DEFAULT_OAUTH_URL };
/** Most registrants one `batch_registrants` call takes (zoom-facts §4a). */
export const BATCH_REGISTRANTS_LIMIT = 30;
/** Largest page Zoom serves; the client always asks for it to spend fewer calls. */
export const MAX_PAGE_SIZE = 300;

/** Credentials and endpoints of a Server-to-Server OAuth app. */
export interface ZoomApiConfig {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Default `https://api.zoom.us/v2`. */
  apiBaseUrl?: string;
  /** Default `https://zoom.us`. */
  oauthUrl?: string;
}

/** Optional behaviour of the client; tests inject the clock, randomness and retry limits. */
export interface ZoomApiClientOptions {
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  /** Source of jitter in [0, 1); default `Math.random`. */
  random?: () => number;
  fetch?: typeof fetch;
  /** Called before each retry sleep (no token or secret in the event). */
  onRetry?: (event: RetryEvent) => void;
}

/**
 * The Zoom REST client: meetings, registrants, past instances and participant reports, over
 * Server-to-Server OAuth, with Zoom's retry and pagination rules built in.
 */
export class ZoomApiClient {
  private readonly http: ZoomHttp;
  private readonly tokens: AccessTokenProvider;

  constructor(config: ZoomApiConfig, options: ZoomApiClientOptions = {}) {
    const clock = options.clock ?? systemClock;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.tokens = new AccessTokenProvider(
      { accountId: config.accountId, clientId: config.clientId, clientSecret: config.clientSecret, oauthUrl: config.oauthUrl ?? DEFAULT_OAUTH_URL },
      clock,
      fetchImpl,
    );
    this.http = new ZoomHttp({
      apiBaseUrl: config.apiBaseUrl ?? DEFAULT_API_BASE_URL,
      tokens: this.tokens,
      clock,
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      random: options.random ?? Math.random,
      fetch: fetchImpl,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  }

  /** How many OAuth token requests this client has made. */
  get tokenRequests(): number {
    return this.tokens.requests;
  }

  /** `GET /users/{userId}` (`me` = the account owner for S2S apps). */
  getUser(userId = "me"): Promise<ZoomUser> {
    return this.http.send({ method: "GET", path: `/users/${encodeURIComponent(userId)}` });
  }

  /**
   * `POST /users/{userId}/meetings`: creates a scheduled meeting with registration enabled and
   * automatic approval (`approval_type` 0) unless `input.settings` says otherwise.
   */
  createMeeting(input: CreateMeetingRequest, userId = "me"): Promise<Meeting> {
    const body: CreateMeetingRequest = { type: 2, ...input, settings: { approval_type: 0, ...input.settings } };
    return this.http.send({ method: "POST", path: `/users/${encodeURIComponent(userId)}/meetings`, body });
  }

  /** `GET /meetings/{meetingId}`. */
  getMeeting(meetingId: number | string): Promise<Meeting> {
    return this.http.send({ method: "GET", path: `/meetings/${meetingPath(meetingId)}` });
  }

  /**
   * `POST /meetings/{meetingId}/registrants` with `auto_approve` (default true, so a
   * manual-approval meeting still gives a usable `join_url` at once).
   */
  addRegistrant(meetingId: number | string, registrant: RegistrantInput, options: { autoApprove?: boolean; occurrenceIds?: string[] } = {}): Promise<AddedRegistrant> {
    return this.http.send({
      method: "POST",
      path: `/meetings/${meetingPath(meetingId)}/registrants`,
      query: { occurrence_ids: options.occurrenceIds?.join(",") },
      body: { ...registrant, auto_approve: options.autoApprove ?? true },
    });
  }

  /**
   * `POST /meetings/{meetingId}/batch_registrants` (scheduled meetings only), split into calls of
   * at most {@link BATCH_REGISTRANTS_LIMIT}. Results keep the input order. If a chunk fails, the
   * error is thrown and earlier chunks stay registered (re-running is safe: Zoom returns the
   * existing registrant for a known e-mail).
   */
  async addRegistrantsBatch(meetingId: number | string, registrants: RegistrantInput[], options: { autoApprove?: boolean } = {}): Promise<BatchRegistrant[]> {
    const results: BatchRegistrant[] = [];
    for (let i = 0; i < registrants.length; i += BATCH_REGISTRANTS_LIMIT) {
      const chunk = registrants.slice(i, i + BATCH_REGISTRANTS_LIMIT);
      const answer = await this.http.send<{ registrants?: BatchRegistrant[] }>({
        method: "POST",
        path: `/meetings/${meetingPath(meetingId)}/batch_registrants`,
        body: { auto_approve: options.autoApprove ?? true, registrants_confirmation_email: false, registrants: chunk },
      });
      results.push(...(answer.registrants ?? []));
    }
    return results;
  }

  /** `GET /meetings/{meetingId}/registrants/{registrantId}`: one registrant with its personal `join_url`. */
  getRegistrant(meetingId: number | string, registrantId: string): Promise<Registrant> {
    return this.http.send({ method: "GET", path: `/meetings/${meetingPath(meetingId)}/registrants/${encodeURIComponent(registrantId)}` });
  }

  /** `GET /meetings/{meetingId}/registrants`, every page. */
  listRegistrants(meetingId: number | string, status: Registrant["status"] = "approved"): AsyncGenerator<Registrant> {
    return this.paginate<Registrant>(`/meetings/${meetingPath(meetingId)}/registrants`, "registrants", { status });
  }

  /** `GET /past_meetings/{meetingId}/instances`: UUIDs and start times of ended instances. */
  async listPastInstances(meetingId: number | string): Promise<PastInstance[]> {
    const answer = await this.http.send<{ meetings?: PastInstance[] }>({ method: "GET", path: `/past_meetings/${meetingPath(meetingId)}/instances` });
    return answer.meetings ?? [];
  }

  /**
   * `GET /report/meetings/{uuid}/participants?include_fields=registrant_id`, every page (one row
   * per join session). Throws `ZoomReportNotReadyError` while Zoom has no report for the instance.
   */
  reportParticipants(instanceUuid: string): AsyncGenerator<ReportParticipant> {
    return this.paginate<ReportParticipant>(`/report/meetings/${encodeInstanceUuid(instanceUuid)}/participants`, "participants", { include_fields: "registrant_id" }, true);
  }

  /** {@link reportParticipants} collected into one array. */
  collectReportParticipants(instanceUuid: string): Promise<ReportParticipant[]> {
    return collect(this.reportParticipants(instanceUuid));
  }

  /**
   * `GET /past_meetings/{uuid}/participants`, every page. Throws `ZoomReportNotReadyError` while
   * Zoom has nothing for the instance.
   */
  pastMeetingParticipants(instanceUuid: string): AsyncGenerator<PastParticipant> {
    return this.paginate<PastParticipant>(`/past_meetings/${encodeInstanceUuid(instanceUuid)}/participants`, "participants", {}, true);
  }

  /** {@link pastMeetingParticipants} collected into one array. */
  collectPastMeetingParticipants(instanceUuid: string): Promise<PastParticipant[]> {
    return collect(this.pastMeetingParticipants(instanceUuid));
  }

  /** Walks `next_page_token` until Zoom returns an empty one, yielding the items under `key`. */
  private async *paginate<T>(path: string, key: string, query: Record<string, string>, reportEndpoint = false): AsyncGenerator<T> {
    let pageToken: string | undefined;
    do {
      const page = await this.http.send<Record<string, unknown>>({
        method: "GET",
        path,
        query: { ...query, page_size: MAX_PAGE_SIZE, next_page_token: pageToken },
        reportEndpoint,
      });
      const items = page[key];
      if (Array.isArray(items)) yield* items as T[];
      pageToken = typeof page["next_page_token"] === "string" && page["next_page_token"] !== "" ? page["next_page_token"] : undefined;
    } while (pageToken);
  }
}

/** Drains an async iterator into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A meeting number (or an instance UUID where Zoom accepts one) as a path segment. */
function meetingPath(meetingId: number | string): string {
  return typeof meetingId === "number" ? String(meetingId) : encodeInstanceUuid(meetingId);
}
