import type { Kysely } from "kysely";
import { withWriteTransaction } from "../pipeline/write-transaction.js";
import type { Database, RollcallDatabase } from "../store/index.js";
import type { Outcome } from "./delivery-attempt.js";
import { disableEndpoint, goneReason } from "./endpoint-status.js";
import type { ClaimedMessage } from "./outbox-claim.js";
import { nextAttemptDelayMs } from "./retry-schedule.js";

/** A message's state after an attempt. */
export type MessageState = "delivered" | "pending" | "dead";

/** What becomes of the message: its state and, when it is retried, the wait before the next attempt. */
export interface NextStep {
  state: MessageState;
  delay: number | undefined;
}

/** One finished attempt. */
export interface FinishedAttempt {
  message: ClaimedMessage;
  outcome: Outcome;
  startedAt: number;
  finishedAt: number;
}

/**
 * Delivered on success; otherwise retried on the schedule, or dead once the schedule is used up or
 * the outcome says not to retry (a disabled endpoint, a 410).
 */
export function nextStep(outcome: Outcome, retrySeconds: readonly number[], attemptsMade: number): NextStep {
  const delay = outcome.ok || outcome.final ? undefined : nextAttemptDelayMs(retrySeconds, attemptsMade);
  return { state: outcome.ok ? "delivered" : delay === undefined ? "dead" : "pending", delay };
}

/**
 * Records the attempt and the message's new state in one transaction. On a 410 the endpoint is
 * disabled too (its other pending messages go dead with this one). True when this disabled it.
 */
export function recordAttempt(store: RollcallDatabase, attempt: FinishedAttempt, step: NextStep): Promise<boolean> {
  const error = storedError(attempt.outcome);
  return withWriteTransaction(store, async (trx) => {
    await updateMessage(trx, attempt, step, error);
    await insertAttempt(trx, attempt, error);
    const { outcome, message, finishedAt } = attempt;
    // 410: the receiver says it is gone for good.
    return !outcome.ok && outcome.gone === true && (await disableEndpoint(trx, message.endpointId, goneReason, finishedAt));
  });
}

/** The error as stored: it keeps the start of the receiver's answer, which logs leave out. */
function storedError(outcome: Outcome): string | null {
  if (outcome.ok) return null;
  return outcome.detail === undefined ? outcome.error : `${outcome.error}: ${outcome.detail}`;
}

async function updateMessage(trx: Kysely<Database>, { message, outcome, finishedAt }: FinishedAttempt, step: NextStep, error: string | null): Promise<void> {
  await trx
    .updateTable("webhook_messages")
    .set({
      state: step.state,
      next_attempt_at: step.delay === undefined ? finishedAt : finishedAt + step.delay,
      last_status: outcome.status,
      last_error: error,
      delivered_at: outcome.ok ? finishedAt : null,
      updated_at: finishedAt,
    })
    .where("id", "=", message.id)
    // Only if no other sender took it again meanwhile (its lease ran out): that one records its own attempt.
    .where("attempts", "=", message.attempt)
    .where("state", "=", "pending")
    .execute();
}

async function insertAttempt(trx: Kysely<Database>, { message, outcome, startedAt, finishedAt }: FinishedAttempt, error: string | null): Promise<void> {
  await trx
    .insertInto("webhook_attempts")
    .values({ message_row_id: message.id, endpoint_id: message.endpointId, attempt: message.attempt, status: outcome.status, error, duration_ms: finishedAt - startedAt, attempted_at: startedAt })
    .execute();
}
