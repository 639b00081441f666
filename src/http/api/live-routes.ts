import * as z from "zod";
import { createLiveStreams } from "../../notify/index.js";
import { ApiError } from "./api-error.js";
import type { ApiRouteGroup } from "./api-route.js";
import { instanceUuidParam } from "./api-schemas.js";

const resumeHeader = "Reconnect with `Last-Event-ID` (a standard `EventSource` does) to get exactly what came after.";

/**
 * `GET /api/v1/live` (every instance) and `GET /api/v1/instances/{uuid}/live` (one): attendance as
 * it happens, as Server-Sent Events (see `src/notify/live-stream.ts`). Authenticated like the rest
 * of `/api`.
 */
export const liveRoutes: ApiRouteGroup = (api) => {
  const streams = createLiveStreams({ db: api.deps.db, dialect: api.deps.dialect, policy: api.deps.config.statusPolicy });
  // Open streams never go idle: end them when the server closes, or shutdown would wait on them.
  api.fastify.addHook("preClose", async () => streams.closeAll());

  api.route(
    {
      method: "GET",
      path: "/live",
      summary: "Live events of every instance (SSE)",
      description:
        "`text/event-stream`: first `event: ready` (its `id:` is where the stream starts), then every instance's `instance.*`, `attendee.joined`, " +
        "`attendee.left`, `attendance.updated` and `session.unresolved` as they are written, each with an `id:` and the webhook's JSON body as `data`. " +
        resumeHeader,
      tags: ["live"],
      responses: { 200: { description: "An event stream.", stream: "Server-Sent Events: `id`, `event` (the event type, or `ready`), `data` (the webhook body)." } },
    },
    async ({ request, reply }) => {
      await resumable(() => streams.openAll(request, reply));
      return undefined;
    },
  );

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/live",
      summary: "Live events of an instance (SSE)",
      description:
        "`text/event-stream`: first `event: roster` (the attendance report) when the instance is known, then `attendee.joined`, `attendee.left`, " +
        "`attendance.updated`, `session.unresolved` and `instance.*` as they are written, each with an `id:`. An instance with no events yet " +
        "is not an error: the stream stays open and its events follow. " +
        resumeHeader,
      tags: ["instances", "live"],
      params: z.object({ uuid: instanceUuidParam }),
      responses: { 200: { description: "An event stream.", stream: "Server-Sent Events: `id`, `event` (`roster` or the event type), `data` (the report, or the webhook body)." } },
    },
    async ({ params, request, reply }) => {
      await resumable(() => streams.openInstance(params.uuid, request, reply));
      return undefined;
    },
  );
};

/** A `Last-Event-ID` that is not an event id is a 400 naming the header. */
async function resumable(open: () => Promise<void>): Promise<void> {
  try {
    await open();
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError(400, "invalid_request", error.message, [{ path: "headers.last-event-id", message: error.message }]);
    throw error;
  }
}
