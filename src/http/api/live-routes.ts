import * as z from "zod";
import { createLiveStreams } from "../../notify/index.js";
import { ApiError } from "./api-error.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { instanceUuidParam } from "./api-schemas.js";

/**
 * `GET /api/v1/instances/{uuid}/live`: the instance's attendance as it happens, as Server-Sent
 * Events (see `src/notify/live-stream.ts`). Authenticated like the rest of `/api`.
 */
export const liveRoutes: ApiRouteGroup = (api) => {
  const streams = createLiveStreams({ db: api.deps.db, policy: api.deps.config.statusPolicy });
  // Open streams never go idle: end them when the server closes, or shutdown would wait on them.
  api.fastify.addHook("preClose", async () => streams.closeAll());

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/live",
      summary: "Live events of an instance (SSE)",
      description:
        "`text/event-stream`: first `event: roster` (the attendance report), then `attendee.joined`, `attendee.left`, " +
        "`attendance.updated`, `session.unresolved` and `instance.*` as they are written, each with an `id:`. Reconnect " +
        "with `Last-Event-ID` to get exactly what came after.",
      tags: ["instances"],
      params: z.object({ uuid: instanceUuidParam }),
      responses: { 200: { description: "An event stream (text/event-stream)." }, 404: { description: "No such instance." } },
    },
    async ({ params, request, reply }) => {
      let opened: boolean;
      try {
        opened = await streams.open(params.uuid, request, reply);
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError(400, "invalid_request", error.message, [{ path: "headers.last-event-id", message: error.message }]);
        throw error;
      }
      if (!opened) throw notFound("uuid", `no instance "${params.uuid}"`);
      return undefined;
    },
  );
};
