import type { RollcallDatabase } from "../store/index.js";
import type { Pipeline } from "./create-pipeline.js";

/**
 * Re-resolves marked instances now and waits until these ones are no longer marked (another
 * process or the worker may hold one; then this waits for it to finish), so a change of links
 * shows in attendance by the time the caller answers. Gives up after `timeoutMs` (false): the
 * pipeline worker still catches up later.
 * `instanceUuids` are those a change of links marked (what `linkSessionManually` returns).
 */
export async function settleInstances(store: RollcallDatabase, pipeline: Pipeline, instanceUuids: readonly string[], timeoutMs = 15_000): Promise<boolean> {
  if (instanceUuids.length === 0) return true;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await pipeline.processMarkedInstances();
    const still = await store.db.selectFrom("instances").select("instance_uuid").where("instance_uuid", "in", [...instanceUuids]).where("needs_resolve", ">", 0).executeTakeFirst();
    if (!still) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
