import type { Config } from "../config/index.js";
import { createNotifyWriter, type NotifyWriter } from "../notify/index.js";

/**
 * The outbound-webhook writer the pipeline and reconciliation call inside their transactions, from
 * the config (status policy of `attendance.updated`, first retry delay).
 */
export function notifyWriterFromConfig(config: Config): NotifyWriter {
  return createNotifyWriter({ policy: config.statusPolicy, retrySeconds: config.webhookRetrySeconds });
}
