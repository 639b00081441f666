import { apiKeyScopes, createApiKey, listApiKeys, revokeApiKey, type ApiKeyScope } from "../../api-keys/index.js";
import { withConfiguredStore } from "../configured-store.js";
import type { StoreFlags } from "../store-options.js";

export interface CreateKeyFlags extends StoreFlags {
  name: string;
  scope: string;
}

/** `rollcall keys create`: prints the new key alone on the last line of stdout (the only time it is shown). */
export async function runKeysCreate(flags: CreateKeyFlags): Promise<void> {
  if (!apiKeyScopes.includes(flags.scope as ApiKeyScope)) throw new Error(`--scope: expected read or write, got "${flags.scope}"`);
  const created = await withConfiguredStore(flags, (store) => createApiKey(store.db, { name: flags.name, scope: flags.scope as ApiKeyScope }));
  process.stdout.write(`created API key ${created.id} "${created.name}" (scope ${created.scope}); it is shown only this once:\n${created.key}\n`);
}

/** `rollcall keys list`: the API keys as JSON, never the keys themselves. */
export async function runKeysList(flags: StoreFlags): Promise<void> {
  const list = await withConfiguredStore(flags, (store) => listApiKeys(store.db));
  process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
}

/** `rollcall keys revoke ID`. */
export async function runKeysRevoke(id: string, flags: StoreFlags): Promise<void> {
  const numeric = Number(id);
  if (!Number.isInteger(numeric) || numeric < 1) throw new Error(`id: expected a key id from \`rollcall keys list\`, got "${id}"`);
  await withConfiguredStore(flags, (store) => revokeApiKey(store.db, numeric));
  process.stdout.write(`revoked API key ${numeric}\n`);
}
