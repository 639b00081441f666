import * as z from "zod";
import { DEFAULT_ACCOUNT } from "../../directory/index.js";
import { issueJoinLinks, JoinLinkError, NameTokenRefusedError, signHostedJoinToken, type HostedJoin } from "../../join-links/index.js";
import { ZoomApiError } from "../../zoom/api/index.js";
import { privacySettingsFromConfig } from "../../zoom/privacy/index.js";
import { hostedJoinPath } from "../hosted-join-route.js";
import { ApiError } from "./api-error.js";
import type { ApiRouteGroup } from "./api-route.js";
import { externalIdParam, joinLinkSchema, meetingIdParam } from "./api-schemas.js";
import { isoTime } from "../../json/index.js";

/**
 * `POST /api/v1/join-links`: what `rollcall links issue` does, for one user at the moment they
 * click "Join" in the app, plus a short-lived hosted join URL (`GET /join/{token}`).
 */
export const joinLinksRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;
  api.route(
    {
      method: "POST",
      path: "/join-links",
      summary: "Issue a join link for one user",
      description:
        "`registrant`: the user's registrant of the meeting (read back from Zoom), else registers them (their personal join URL); " +
        "`sdk`: a Meeting SDK join with the user's own customer key, else a random one; repeated calls reuse these, never piling them up; " +
        "`name-token`: a display name carrying a token. The link is stored so Rollcall recognises the user. `joinUrl` is Rollcall's hosted " +
        "join (`GET /join/{token}`): a redirect to Zoom (`registrant`) or a page that joins with the Meeting SDK (`sdk`).",
      tags: ["join links"],
      body: z.strictObject({
        meetingId: meetingIdParam,
        externalId: externalIdParam,
        kind: z.enum(["registrant", "sdk", "name-token"], { error: "expected registrant, sdk or name-token" }),
        leaveUrl: z
          .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
          .max(2000)
          .optional()
          .describe("`sdk`: where the hosted page sends the user when they leave the meeting (default `ROLLCALL_JOIN_LEAVE_URL`, else `about:blank`)."),
      }),
      responses: { 201: { description: "Issued.", schema: joinLinkSchema }, 404: { description: "No such user." }, 503: { description: "Zoom or Meeting SDK credentials are not configured." } },
    },
    async ({ body, request, reply }) => {
      const { zoom, sdk } = api.deps;
      if (body.kind === "registrant" && !zoom.ok) throw new ApiError(503, "not_configured", `kind: registrant links need Zoom's REST API. ${zoom.message}`, [{ path: "body.kind", message: zoom.message }]);
      if (body.kind === "sdk" && !sdk.ok) throw new ApiError(503, "not_configured", `kind: ${sdk.message}`, [{ path: "body.kind", message: sdk.message }]);
      if (body.leaveUrl !== undefined && body.kind !== "sdk") {
        const message = "only an sdk link has a hosted page to leave; registrant links go straight to Zoom";
        throw new ApiError(400, "invalid_request", `leaveUrl: ${message}`, [{ path: "body.leaveUrl", message }]);
      }
      let issued;
      try {
        [issued] = await issueJoinLinks(db, {
          accountId: DEFAULT_ACCOUNT,
          externalIds: [body.externalId],
          meetingId: body.meetingId,
          kind: body.kind,
          privacy: privacySettingsFromConfig(config),
          ...(zoom.ok ? { zoom: zoom.client } : {}),
          ...(sdk.ok ? { sdk: sdk.credentials } : {}),
        });
      } catch (error) {
        throw joinLinkFailure(error);
      }
      const item = issued!;
      const now = api.deps.now?.() ?? Date.now();
      const expiresAt = now + config.joinTokenTtlSeconds * 1000;
      let hosted: HostedJoin | undefined;
      if (item.kind === "registrant" && item.joinUrl) hosted = { kind: "registrant", meetingId: body.meetingId, externalId: item.externalId, expiresAt, joinUrl: item.joinUrl };
      const leaveUrl = body.leaveUrl ?? config.joinLeaveUrl;
      if (item.kind === "sdk") hosted = { kind: "sdk", meetingId: body.meetingId, externalId: item.externalId, expiresAt, customerKey: item.link.value, ...(leaveUrl ? { leaveUrl } : {}) };
      const base = (config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, "");
      reply.code(201);
      return {
        externalId: item.externalId,
        kind: item.kind,
        method: item.link.method,
        value: item.link.value,
        created: item.created,
        joinUrl: hosted ? `${base}${hostedJoinPath}/${signHostedJoinToken(hosted, api.deps.joinTokenSecret)}` : null,
        expiresAt: hosted ? isoTime(expiresAt)! : null,
        zoomJoinUrl: item.joinUrl ?? null,
        bundle: item.bundle ? { signature: item.bundle.signature, sdkKey: item.bundle.sdkKey, meetingNumber: item.bundle.meetingNumber, userName: item.bundle.userName, customerKey: item.bundle.customerKey } : null,
        displayName: item.displayName ?? null,
      };
    },
  );
};

function joinLinkFailure(error: unknown): unknown {
  if (error instanceof NameTokenRefusedError) return new ApiError(409, "refused", error.message, [{ path: "body.kind", message: error.message }]);
  if (error instanceof JoinLinkError) {
    const message = error.message.replace(/^--\w+: /, "");
    if (error.field === "user") return new ApiError(404, "not_found", `externalId: ${message}`, [{ path: "body.externalId", message }]);
    const path = error.field === "meeting" ? "body.meetingId" : `body.${error.field}`;
    return new ApiError(400, "invalid_request", `${path.slice(5)}: ${message}`, [{ path, message }]);
  }
  if (error instanceof ZoomApiError) {
    // Zoom's own answer (status, code, message) helps the app; it holds no secret of ours.
    const status = error.status === 404 ? 404 : 502;
    return new ApiError(status, status === 404 ? "not_found" : "zoom_error", `meetingId: Zoom refused: ${error.message}`, [{ path: "body.meetingId", message: error.zoomMessage ?? error.message }]);
  }
  return error;
}
