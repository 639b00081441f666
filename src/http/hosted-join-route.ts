import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Kysely } from "kysely";
import { findUserForAccount } from "../directory/index.js";
import { HostedJoinTokenError, verifyHostedJoinToken, type HostedJoin } from "../join-links/index.js";
import type { Database } from "../store/index.js";
import type { ZoomApiClient } from "../zoom/api/index.js";
import { meetingSdkSignature } from "../zoom/sdk/meeting-sdk-signature.js";
import type { MeetingSdkCredentials } from "../zoom/sdk/sdk-credentials.js";

/** Where hosted joins live: `GET /join/{token}` (design.md "Contract"). */
export const hostedJoinPath = "/join";
/** Where the Meeting SDK's files (`@zoom/meetingsdk/dist`) are served from, by Rollcall itself. */
export const zoomSdkAssetsPath = "/join-assets/zoom";

export interface HostedJoinRouteOptions {
  db: Kysely<Database>;
  joinTokenSecret: string;
  /** For SDK joins: the credentials that sign the Meeting SDK signature. */
  sdk?: MeetingSdkCredentials;
  /** For SDK joins: reads the meeting's passcode (the SDK needs it; a registrant URL carries its own). */
  zoom?: ZoomApiClient;
  /** Privacy mode: display names are shown to Zoom only when they are kept readable (`store`). */
  namesReadable: boolean;
  now?: () => number;
}

/**
 * Content-Security-Policy of the hosted join's answers without script (an error page, a redirect):
 * nothing at all, and no framing (a join page in someone else's frame could be clickjacked).
 */
const plainCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Content-Security-Policy of the SDK page: its scripts and styles from Rollcall only (the SDK is
 * served from `@zoom/meetingsdk`), no framing. What the Meeting SDK itself needs, per Zoom's
 * published policy for its web SDKs: `'unsafe-eval'` and `'wasm-unsafe-eval'` (its audio/video
 * WebAssembly), workers from blob: URLs, inline styles (React), and Zoom's servers over HTTPS and
 * WebSocket (`*.zoom.us`) for the meeting itself, with images, media and fonts from HTTPS.
 */
const sdkPageCsp = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob: mediastream: https:",
  "font-src 'self' data: https:",
  "connect-src 'self' https://zoom.us https://*.zoom.us wss://*.zoom.us",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join("; ");

const require = createRequire(import.meta.url);
const sdkDist = join(dirname(require.resolve("@zoom/meetingsdk/package.json")), "dist");

/**
 * `GET /join/{token}`: the hosted join behind a join link's `joinUrl`. A registrant token
 * redirects (302) to the user's personal Zoom join URL; an SDK token serves a page that joins with
 * the Zoom Meeting SDK (served from `@zoom/meetingsdk` by Rollcall, no CDN), passing the user's
 * display name and customer key. Expired or forged tokens get a page saying so, with 403.
 */
export async function hostedJoinRoute(app: FastifyInstance, options: HostedJoinRouteOptions): Promise<void> {
  const now = options.now ?? Date.now;
  await app.register(fastifyStatic, { root: sdkDist, prefix: `${zoomSdkAssetsPath}/`, decorateReply: false, index: false, maxAge: "1d" });
  const sdkScript = readdirSync(sdkDist).find((f) => /^zoom-meeting-[\d.]+\.min\.js$/.test(f));
  const sdkStyles = readdirSync(join(sdkDist, "ui")).filter((f) => f.endsWith(".css"));

  app.get("/join-assets/hosted-join.js", async (_request, reply) => reply.type("text/javascript; charset=utf-8").header("cache-control", "no-cache").send(hostedJoinScript));

  // A wildcard, not `:token`: a registrant token carries the join URL and outgrows Fastify's
  // 100-character limit on named parameters.
  app.get<{ Params: { "*": string } }>(`${hostedJoinPath}/*`, async (request, reply) => {
    let hosted: HostedJoin;
    try {
      hosted = verifyHostedJoinToken(request.params["*"], options.joinTokenSecret, now());
    } catch (error) {
      if (!(error instanceof HostedJoinTokenError)) throw error;
      const text =
        error.reason === "expired"
          ? "This join link has expired. Go back to the app and click Join again for a fresh one."
          : "This join link is not valid. Go back to the app and click Join again.";
      return page(reply.code(403), "Join link not valid", `<h1>Cannot join</h1><p>${text}</p>`);
    }
    reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer").header("content-security-policy", plainCsp);
    if (hosted.kind === "registrant") {
      if (!/^https?:\/\//.test(hosted.joinUrl)) return page(reply.code(403), "Join link not valid", "<h1>Cannot join</h1><p>This join link is not valid.</p>");
      return reply.redirect(hosted.joinUrl, 302);
    }
    if (!options.sdk || !sdkScript) return page(reply.code(503), "Joining unavailable", "<h1>Cannot join</h1><p>Meeting SDK joins are not configured on this server.</p>");
    const user = await findUserForAccount(options.db, "*", hosted.externalId);
    const userName = (options.namesReadable && user?.name) || "Participant";
    let passWord = "";
    if (options.zoom) {
      try {
        const password: unknown = (await options.zoom.getMeeting(hosted.meetingId)).password;
        if (typeof password === "string") passWord = password;
      } catch {
        // Without the passcode the SDK asks the user for it; the join itself still works.
      }
    }
    const bundle = {
      signature: meetingSdkSignature({ ...options.sdk, meetingNumber: hosted.meetingId, role: 0, now: now() }),
      meetingNumber: hosted.meetingId,
      userName,
      customerKey: hosted.customerKey,
      passWord,
      assets: `${zoomSdkAssetsPath}/lib`,
      // Signed into the token from the request or ROLLCALL_JOIN_LEAVE_URL; checked again so only http(s) reaches the SDK.
      leaveUrl: hosted.leaveUrl !== undefined && /^https?:\/\//.test(hosted.leaveUrl) ? hosted.leaveUrl : "about:blank",
    };
    const vendor = ["react.min.js", "react-dom.min.js", "redux.min.js", "redux-thunk.min.js", "lodash.min.js"].map((f) => `<script src="${zoomSdkAssetsPath}/lib/vendor/${f}"></script>`);
    return page(
      reply.header("content-security-policy", sdkPageCsp),
      "Joining the meeting…",
      [
        ...sdkStyles.map((f) => `<link rel="stylesheet" href="${zoomSdkAssetsPath}/ui/${f}">`),
        `<p id="rollcall-status">Joining the meeting…</p>`,
        // JSON in a non-executed script element; "<" escaped so no value can close the element.
        `<script id="rollcall-join" type="application/json">${JSON.stringify(bundle).replace(/</g, "\\u003c")}</script>`,
        ...vendor,
        `<script src="${zoomSdkAssetsPath}/${sdkScript}"></script>`,
        `<script src="/join-assets/hosted-join.js"></script>`,
      ].join("\n"),
    );
  });
}

/** An HTML page; without a policy of its own (the SDK page's), the one that allows no script. */
function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  if (!reply.hasHeader("content-security-policy")) reply.header("content-security-policy", plainCsp);
  return reply
    .type("text/html; charset=utf-8")
    .send(`<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${title}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`);
}

/** The page's only code: read the bundle, load the SDK from Rollcall, join with name and customer key. */
const hostedJoinScript = `"use strict";
(function () {
  var join = JSON.parse(document.getElementById("rollcall-join").textContent);
  var status = document.getElementById("rollcall-status");
  function fail(what, error) {
    status.textContent = "Could not join the meeting (" + what + "): " + ((error && (error.errorMessage || error.reason || error.message)) || "unknown error");
  }
  ZoomMtg.setZoomJSLib(join.assets, "/av");
  ZoomMtg.preLoadWasm();
  ZoomMtg.prepareWebSDK();
  ZoomMtg.init({
    leaveUrl: join.leaveUrl,
    patchJsMedia: true,
    success: function () {
      ZoomMtg.join({
        signature: join.signature,
        meetingNumber: join.meetingNumber,
        userName: join.userName,
        passWord: join.passWord,
        customerKey: join.customerKey,
        success: function () { status.textContent = "Joined."; },
        error: function (error) { fail("join", error); }
      });
    },
    error: function (error) { fail("init", error); }
  });
})();
`;
