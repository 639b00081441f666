/** The web dashboard: sign-in with an API key, session cookies with CSRF protection, the built front end and its JSON. */
export { dashboard, defaultWebRoot, type DashboardOptions } from "./register-dashboard.js";
export { signSession, readSession, type DashboardSession } from "./session-token.js";
