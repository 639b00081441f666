import type { ZoomWorld } from "../world.js";
import type { EmulatorControls } from "./controls.js";
import type { PageTokens } from "./page-tokens.js";

/** What every route module needs: the world it serves and the page-token store (and the controls, where a route obeys one). */
export interface RouteContext {
  world: ZoomWorld;
  pageTokens: PageTokens;
  controls?: EmulatorControls;
}
