import type { Command } from "commander";
import type { AddWebhookFlags, ReplayWebhookFlags, RotateWebhookFlags } from "../actions/webhooks.js";
import { notifyEventTypes } from "../../notify/event-types.js";
import { withStoreOptions, type StoreFlags } from "../store-options.js";

/**
 * `rollcall webhooks add|list|remove|enable|rotate-secret|dead-letters|replay`: the app's endpoints for
 * outbound webhooks (Standard Webhooks signatures). `add` and `rotate-secret` print the signing
 * secret alone on the last line of stdout.
 */
export function registerWebhooksCommand(program: Command): void {
  const webhooks = program.command("webhooks").description("outbound webhooks: endpoints that hear about joins, leaves and attendance as they happen");
  const actions = () => import("../actions/webhooks.js");

  withStoreOptions(
    webhooks
      .command("add")
      .description("add an endpoint; prints its signing secret (whsec_…) alone on the last line")
      .requiredOption("--url <url>", "http(s) URL to POST events to")
      .option("--events <types>", `comma-separated event types (default: all of ${notifyEventTypes.join(", ")})`)
      .option("--description <text>", "a note for yourself"),
  ).action(async (flags: AddWebhookFlags) => (await actions()).runWebhooksAdd(flags));

  withStoreOptions(webhooks.command("list").description("print the endpoints as JSON (never their secrets)")).action(async (flags: StoreFlags) =>
    (await actions()).runWebhooksList(flags),
  );

  withStoreOptions(webhooks.command("remove <id>").description("remove an endpoint and its undelivered messages")).action(async (id: string, flags: StoreFlags) =>
    (await actions()).runWebhooksRemove(id, flags),
  );

  withStoreOptions(webhooks.command("enable <id>").description("enable an endpoint again (one whose receiver answered 410 Gone is disabled); replay its dead letters after")).action(
    async (id: string, flags: StoreFlags) => (await actions()).runWebhooksEnable(id, flags),
  );

  withStoreOptions(
    webhooks
      .command("rotate-secret <id>")
      .description("give an endpoint a new secret; the old one keeps signing too for the grace period. Prints the new secret alone on the last line")
      .option("--grace-seconds <n>", "how long the old secret keeps signing (default 86400)"),
  ).action(async (id: string, flags: RotateWebhookFlags) => (await actions()).runWebhooksRotateSecret(id, flags));

  withStoreOptions(webhooks.command("dead-letters [id]").description("print, as JSON, messages that failed every retry (of one endpoint, or all)")).action(
    async (id: string | undefined, flags: StoreFlags) => (await actions()).runWebhooksDeadLetters(id, flags),
  );

  withStoreOptions(
    webhooks
      .command("replay [id]")
      .description("send dead letters again (same webhook-id): those of endpoint <id>, one --message, or --all")
      .option("--message <webhookId>", "only this message (msg_…)")
      .option("--all", "every dead letter of every endpoint"),
  ).action(async (id: string | undefined, flags: ReplayWebhookFlags) => (await actions()).runWebhooksReplay(id, flags));
}
