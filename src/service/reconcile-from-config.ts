import type { Config } from "../config/index.js";
import type { Worker } from "../runtime/index.js";
import { privacySettingsFromConfig } from "../zoom/privacy/index.js";
import { pipelineOptionsFromConfig } from "./pipeline-from-config.js";
import { createReconcileWorker } from "../reconcile/reconcile-worker.js";
import type { ReconcileContext } from "../reconcile/reconcile-instance.js";
import { reconcileSettingsFromConfig } from "../reconcile/reconcile-settings.js";
import { zoomApiFromConfig } from "../zoom/api/index.js";
import { notifyWriterFromConfig } from "./notify-from-config.js";

/**
 * The reconciliation context from the service configuration, or the error naming the missing Zoom
 * variables (`ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`).
 */
export function reconcileContextFromConfig(config: Config): { ok: true; accountId: string; context: ReconcileContext } | { ok: false; error: Error } {
  const zoom = zoomApiFromConfig(config);
  if (!zoom.ok) return { ok: false, error: zoom.error };
  // The same links, privacy and identity options as the pipeline that applies the report rows.
  const pipeline = pipelineOptionsFromConfig(config);
  return {
    ok: true,
    accountId: zoom.config.accountId,
    context: {
      zoom: zoom.client,
      loadLinks: pipeline.loadLinks,
      privacy: privacySettingsFromConfig(config),
      engine: pipeline.engine,
      onFinalized: notifyWriterFromConfig(config).onFinalized,
    },
  };
}

/**
 * The reconciliation worker `rollcall serve` runs. Without Zoom credentials it does not start: it
 * logs once which variables are missing and the rest of Rollcall runs as before.
 */
export function reconcileWorkerFromConfig(config: Config): Worker {
  const settings = reconcileSettingsFromConfig(config);
  const resolved = reconcileContextFromConfig(config);
  if (!resolved.ok) {
    const reason = resolved.error.message;
    return {
      name: "reconcile",
      start(context) {
        context.logger.info({ reason }, "reconciliation with Zoom reports is off");
      },
      stop() {},
    };
  }
  return createReconcileWorker({ accountId: resolved.accountId, context: resolved.context, settings });
}
