import { addEndpoint, enableEndpoint, listDeadLetters, listEndpoints, parseEventTypes, removeEndpoint, replayDeadLetters, rotateEndpointSecret } from "../../notify/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface AddWebhookFlags extends StoreFlags {
  url: string;
  events?: string;
  description?: string;
}

export interface RotateWebhookFlags extends StoreFlags {
  graceSeconds?: string;
}

export interface ReplayWebhookFlags extends StoreFlags {
  message?: string;
  all?: boolean;
}

/** `rollcall webhooks add`: prints the new endpoint's signing secret alone on the last line. */
export async function runWebhooksAdd(flags: AddWebhookFlags): Promise<void> {
  const events = flags.events !== undefined ? parseEventTypes(flags.events) : undefined;
  const { endpoint, secret } = await withConfiguredStore(flags, (store, config) =>
    addEndpoint(store.db, { url: flags.url, events, description: flags.description }, { allowPrivate: config.webhookAllowPrivate }),
  );
  process.stdout.write(`added webhook endpoint ${endpoint.id} → ${endpoint.url} (events: ${endpoint.events?.join(", ") ?? "all"})\n`);
  process.stdout.write(`signing secret (shown once; verify with any Standard Webhooks library):\n${secret}\n`);
}

/** `rollcall webhooks list`: the endpoints as JSON, never their secrets. */
export async function runWebhooksList(flags: StoreFlags): Promise<void> {
  const list = await withConfiguredStore(flags, (store) => listEndpoints(store.db));
  process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
}

/** `rollcall webhooks remove ID`: an endpoint and its undelivered messages. */
export async function runWebhooksRemove(id: string, flags: StoreFlags): Promise<void> {
  const removed = await withConfiguredStore(flags, (store) => removeEndpoint(store.db, id));
  if (!removed) throw new Error(`id: no webhook endpoint "${id}"`);
  process.stdout.write(`removed webhook endpoint ${id}\n`);
}

/** `rollcall webhooks enable ID`: on again after a `410 Gone` (or a disable); its dead letters wait for `replay`. */
export async function runWebhooksEnable(id: string, flags: StoreFlags): Promise<void> {
  const enabled = await withConfiguredStore(flags, (store) => enableEndpoint(store.db, id));
  if (!enabled) throw new Error(`id: no webhook endpoint "${id}"`);
  process.stdout.write(`enabled webhook endpoint ${id}; \`rollcall webhooks replay ${id}\` sends what it missed\n`);
}

/** `rollcall webhooks rotate-secret ID`: prints the new secret alone on the last line; the old one keeps signing for the grace period. */
export async function runWebhooksRotateSecret(id: string, flags: RotateWebhookFlags): Promise<void> {
  let graceMs: number | undefined;
  if (flags.graceSeconds !== undefined) {
    const n = Number(flags.graceSeconds);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--grace-seconds: expected a whole number of seconds, got "${flags.graceSeconds}"`);
    graceMs = n * 1000;
  }
  const secret = await withConfiguredStore(flags, (store) => rotateEndpointSecret(store.db, id, graceMs !== undefined ? { graceMs } : {}));
  if (secret === undefined) throw new Error(`id: no webhook endpoint "${id}"`);
  process.stdout.write(`rotated the secret of ${id}; messages are signed with the old and the new one during the grace period\n${secret}\n`);
}

/** `rollcall webhooks dead-letters [ID]`: messages that failed every retry, as JSON. */
export async function runWebhooksDeadLetters(id: string | undefined, flags: StoreFlags): Promise<void> {
  const list = await withConfiguredStore(flags, (store) => listDeadLetters(store.db, id !== undefined ? { endpointId: id } : {}));
  process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
}

/** `rollcall webhooks replay [ID] | --message MSG | --all`: queues dead letters again for a running service. */
export async function runWebhooksReplay(id: string | undefined, flags: ReplayWebhookFlags): Promise<void> {
  if (id === undefined && flags.message === undefined && !flags.all) throw new Error("replay: expected an endpoint id, --message msg_… or --all");
  const replayed = await withConfiguredStore(flags, (store) =>
    replayDeadLetters(store.db, { ...(id !== undefined ? { endpointId: id } : {}), ...(flags.message !== undefined ? { messageId: flags.message } : {}) }),
  );
  process.stdout.write(`${replayed} dead letters queued again; a running \`rollcall serve\` delivers them\n`);
}
