import type { Command } from "commander";
import { addEndpoint, listDeadLetters, listEndpoints, notifyEventTypes, parseEventTypes, removeEndpoint, replayDeadLetters, rotateEndpointSecret } from "../../notify/index.js";
import { withConfiguredStore, withStoreOptions, type StoreFlags } from "../configured-store.js";

interface AddFlags extends StoreFlags {
  url: string;
  events?: string;
  description?: string;
}

interface RotateFlags extends StoreFlags {
  graceSeconds?: string;
}

interface ReplayFlags extends StoreFlags {
  message?: string;
  all?: boolean;
}

/**
 * `rollcall webhooks add|list|remove|rotate-secret|dead-letters|replay`: the app's endpoints for
 * outbound webhooks (Standard Webhooks signatures). `add` and `rotate-secret` print the signing
 * secret alone on the last line of stdout.
 */
export function registerWebhooksCommand(program: Command): void {
  const webhooks = program.command("webhooks").description("outbound webhooks: endpoints that hear about joins, leaves and attendance as they happen");

  withStoreOptions(
    webhooks
      .command("add")
      .description("add an endpoint; prints its signing secret (whsec_…) alone on the last line")
      .requiredOption("--url <url>", "http(s) URL to POST events to")
      .option("--events <types>", `comma-separated event types (default: all of ${notifyEventTypes.join(", ")})`)
      .option("--description <text>", "a note for yourself"),
  ).action(async (flags: AddFlags) => {
    const events = flags.events !== undefined ? parseEventTypes(flags.events) : undefined;
    const { endpoint, secret } = await withConfiguredStore(flags, (store, config) =>
      addEndpoint(store.db, { url: flags.url, events, description: flags.description }, { allowPrivate: config.webhookAllowPrivate }),
    );
    process.stdout.write(`added webhook endpoint ${endpoint.id} → ${endpoint.url} (events: ${endpoint.events?.join(", ") ?? "all"})\n`);
    process.stdout.write(`signing secret (shown once; verify with any Standard Webhooks library):\n${secret}\n`);
  });

  withStoreOptions(webhooks.command("list").description("print the endpoints as JSON (never their secrets)")).action(async (flags: StoreFlags) => {
    const list = await withConfiguredStore(flags, (store) => listEndpoints(store.db));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  });

  withStoreOptions(webhooks.command("remove <id>").description("remove an endpoint and its undelivered messages")).action(async (id: string, flags: StoreFlags) => {
    const removed = await withConfiguredStore(flags, (store) => removeEndpoint(store.db, id));
    if (!removed) throw new Error(`id: no webhook endpoint "${id}"`);
    process.stdout.write(`removed webhook endpoint ${id}\n`);
  });

  withStoreOptions(
    webhooks
      .command("rotate-secret <id>")
      .description("give an endpoint a new secret; the old one keeps signing too for the grace period. Prints the new secret alone on the last line")
      .option("--grace-seconds <n>", "how long the old secret keeps signing (default 86400)"),
  ).action(async (id: string, flags: RotateFlags) => {
    let graceMs: number | undefined;
    if (flags.graceSeconds !== undefined) {
      const n = Number(flags.graceSeconds);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--grace-seconds: expected a whole number of seconds, got "${flags.graceSeconds}"`);
      graceMs = n * 1000;
    }
    const secret = await withConfiguredStore(flags, (store) => rotateEndpointSecret(store.db, id, graceMs !== undefined ? { graceMs } : {}));
    if (secret === undefined) throw new Error(`id: no webhook endpoint "${id}"`);
    process.stdout.write(`rotated the secret of ${id}; messages are signed with the old and the new one during the grace period\n${secret}\n`);
  });

  withStoreOptions(webhooks.command("dead-letters [id]").description("print, as JSON, messages that failed every retry (of one endpoint, or all)")).action(
    async (id: string | undefined, flags: StoreFlags) => {
      const list = await withConfiguredStore(flags, (store) => listDeadLetters(store.db, id !== undefined ? { endpointId: id } : {}));
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    },
  );

  withStoreOptions(
    webhooks
      .command("replay [id]")
      .description("send dead letters again (same webhook-id): those of endpoint <id>, one --message, or --all")
      .option("--message <webhookId>", "only this message (msg_…)")
      .option("--all", "every dead letter of every endpoint"),
  ).action(async (id: string | undefined, flags: ReplayFlags) => {
    if (id === undefined && flags.message === undefined && !flags.all) throw new Error("replay: expected an endpoint id, --message msg_… or --all");
    const replayed = await withConfiguredStore(flags, (store) =>
      replayDeadLetters(store.db, { ...(id !== undefined ? { endpointId: id } : {}), ...(flags.message !== undefined ? { messageId: flags.message } : {}) }),
    );
    process.stdout.write(`${replayed} dead letters queued again; a running \`rollcall serve\` delivers them\n`);
  });
}
