import type { Command } from "commander";
import { apiKeyScopes, createApiKey, listApiKeys, revokeApiKey, type ApiKeyScope } from "../../api-keys/index.js";
import { withConfiguredStore, type StoreFlags, withStoreOptions } from "../configured-store.js";

interface CreateFlags extends StoreFlags {
  name: string;
  scope: string;
}

/**
 * `rollcall keys create --name NAME [--scope read|write] | list | revoke ID`: API keys for `/api/v1`.
 * `create` prints the new key alone on the last line of stdout (the only time it is shown).
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("API keys for /api/v1: create, list, revoke");

  withStoreOptions(
    keys
      .command("create")
      .description("create an API key; it is printed once, alone on the last line")
      .requiredOption("--name <name>", "what the key is for (shown by `rollcall keys list`)")
      .option("--scope <scope>", "read (GET only) or write", "write"),
  ).action(async (flags: CreateFlags) => {
    if (!apiKeyScopes.includes(flags.scope as ApiKeyScope)) throw new Error(`--scope: expected read or write, got "${flags.scope}"`);
    const created = await withConfiguredStore(flags, (store) => createApiKey(store.db, { name: flags.name, scope: flags.scope as ApiKeyScope }));
    process.stdout.write(`created API key ${created.id} "${created.name}" (scope ${created.scope}); it is shown only this once:\n${created.key}\n`);
  });

  withStoreOptions(keys.command("list").description("print the API keys as JSON (never the keys themselves)")).action(async (flags: StoreFlags) => {
    const list = await withConfiguredStore(flags, (store) => listApiKeys(store.db));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  });

  withStoreOptions(keys.command("revoke <id>").description("revoke an API key by id; it answers 401 from then on")).action(async (id: string, flags: StoreFlags) => {
    const numeric = Number(id);
    if (!Number.isInteger(numeric) || numeric < 1) throw new Error(`id: expected a key id from \`rollcall keys list\`, got "${id}"`);
    await withConfiguredStore(flags, (store) => revokeApiKey(store.db, numeric));
    process.stdout.write(`revoked API key ${numeric}\n`);
  });
}
