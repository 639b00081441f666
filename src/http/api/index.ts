/** The HTTP API (`/api/v1`): bearer API keys, one error shape, zod schemas → OpenAPI, one file per resource. */
export { registerApi, guardApiScope, apiRouteGroups, openApiPath, docsPath, type RegisterApiOptions } from "./register-api.js";
export { authenticateApiKey, requireScope, hasScope, defaultScope } from "./api-auth.js";
export { ApiError, apiErrorSchema, errorBody, validationError, type ApiErrorDetail } from "./api-error.js";
export { createApiRouter, fastifyPath, notFound, type ApiInput, type ApiMethod, type ApiResponseSpec, type ApiRouteGroup, type ApiRouteSpec, type ApiRouter } from "./api-route.js";
export type { ApiDeps } from "./api-deps.js";
export { openApiDocument } from "./openapi-document.js";
