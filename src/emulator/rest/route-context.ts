import type { ZoomWorld } from "../world.js";
import type { PageTokens } from "./page-tokens.js";

/** What every route module needs: the world it serves and the page-token store. */
export interface RouteContext {
  world: ZoomWorld;
  pageTokens: PageTokens;
}
