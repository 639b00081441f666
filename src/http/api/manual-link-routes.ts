import * as z from "zod";
import { DirectoryError, linkSessionManually, unlinkSessionManually } from "../../directory/index.js";
import { attendanceReport, unresolvedReview } from "../../reports/index.js";
import { ApiError } from "./api-error.js";
import { notFound, type ApiRouteGroup } from "./api-route.js";
import { attendanceReportSchema, instanceUuidParam, reviewSessionSchema } from "./api-schemas.js";

const instancePath = z.object({ uuid: instanceUuidParam });
const sessionPath = z.object({ uuid: instanceUuidParam, sessionKey: z.string().min(1, { error: "expected a session key" }).max(256).describe("`sessionKey` from the unresolved list.") });

/**
 * One instance's sessions to review (unresolved, or with conflicting evidence) and the manual links
 * that settle them: `/api/v1/instances/{uuid}/unresolved` and `…/sessions/{sessionKey}/link`.
 */
export const manualLinkRoutes: ApiRouteGroup = (api) => {
  const { db, config } = api.deps;

  api.route(
    {
      method: "GET",
      path: "/instances/{uuid}/unresolved",
      summary: "Sessions to review",
      description:
        "Each unresolved session (identifiers seen, why nothing matched, users with a similar e-mail or name and a score), and each " +
        "resolved session whose evidence also pointed at someone else (both sides). Link one with POST …/sessions/{sessionKey}/link.",
      tags: ["instances", "review"],
      params: instancePath,
      responses: { 200: { description: "Sessions to review.", schema: z.object({ data: z.array(reviewSessionSchema) }) }, 404: { description: "No such instance." } },
    },
    async ({ params }) => {
      const data = await unresolvedReview(db, params.uuid);
      if (!data) throw notFound("uuid", `no instance "${params.uuid}" has been seen`);
      return { data };
    },
  );

  api.route(
    {
      method: "POST",
      path: "/instances/{uuid}/sessions/{sessionKey}/link",
      summary: "Link a session to a user by hand",
      description: "Says \"this session is that user\". Attendance follows before the answer (`resolvedBy: \"manual\"`). DELETE the same path undoes it.",
      tags: ["instances", "review"],
      params: sessionPath,
      body: z.strictObject({ externalId: z.string().min(1, { error: "expected the app's non-empty id of the user" }) }),
      responses: {
        200: { description: "Linked; the instance's attendance as it now stands.", schema: attendanceReportSchema },
        404: { description: "No such instance, session or user." },
      },
    },
    async ({ params, body }) => {
      const marked = await directory(() => linkSessionManually(db, { instanceUuid: params.uuid, sessionKey: params.sessionKey, externalId: body.externalId }));
      await api.deps.settle?.(marked);
      return attendanceReport(db, params.uuid, { policy: config.statusPolicy });
    },
  );

  api.route(
    {
      method: "DELETE",
      path: "/instances/{uuid}/sessions/{sessionKey}/link",
      summary: "Undo a manual link",
      tags: ["instances", "review"],
      params: sessionPath,
      responses: {
        200: { description: "Unlinked; the instance's attendance as it now stands.", schema: attendanceReportSchema },
        404: { description: "No such instance, or the session has no manual link." },
      },
    },
    async ({ params }) => {
      const marked = await directory(() => unlinkSessionManually(db, { instanceUuid: params.uuid, sessionKey: params.sessionKey }));
      await api.deps.settle?.(marked);
      return attendanceReport(db, params.uuid, { policy: config.statusPolicy });
    },
  );
};

/** The directory's "unknown instance / session / user" as a 404 naming the parameter. */
async function directory<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    // The directory names CLI flags (--instance, --session, --user); the API names its own fields.
    const message = error.message.replace(/^--instance: /, "").replace(/^--session: /, "").replace(/^--user: /, "");
    const path = error.message.startsWith("--instance") ? "params.uuid" : error.message.startsWith("--session") ? "params.sessionKey" : "body.externalId";
    throw new ApiError(404, "not_found", `${path.split(".")[1]}: ${message}`, [{ path, message }]);
  }
}
