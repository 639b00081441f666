/** API keys for `/api/v1`: created, listed and revoked by `rollcall keys`, verified on every request. */
export { API_KEY_PREFIX, generateApiKey, hashApiKey, looksLikeApiKey } from "./api-key-secret.js";
export {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
  apiKeyScopes,
  ApiKeyError,
  type ApiKeyInfo,
  type ApiKeyScope,
  type VerifiedApiKey,
} from "./api-keys-repository.js";
