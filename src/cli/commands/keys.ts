import type { Command } from "commander";
import type { CreateKeyFlags } from "../actions/keys.js";
import { withStoreOptions, type StoreFlags } from "../store-options.js";

/**
 * `rollcall keys create --name NAME [--scope read|write] | list | revoke ID`: API keys for `/api/v1`.
 * `create` prints the new key alone on the last line of stdout (the only time it is shown).
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("API keys for /api/v1: create, list, revoke");
  const actions = () => import("../actions/keys.js");

  withStoreOptions(
    keys
      .command("create")
      .description("create an API key; it is printed once, alone on the last line")
      .requiredOption("--name <name>", "what the key is for (shown by `rollcall keys list`)")
      .option("--scope <scope>", "read (GET only) or write", "write"),
  ).action(async (flags: CreateKeyFlags) => (await actions()).runKeysCreate(flags));

  withStoreOptions(keys.command("list").description("print the API keys as JSON (never the keys themselves)")).action(async (flags: StoreFlags) =>
    (await actions()).runKeysList(flags),
  );

  withStoreOptions(keys.command("revoke <id>").description("revoke an API key by id; it answers 401 from then on")).action(async (id: string, flags: StoreFlags) =>
    (await actions()).runKeysRevoke(id, flags),
  );
}
