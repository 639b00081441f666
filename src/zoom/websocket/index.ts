export { heartbeatFrame, readZoomSocketFrame, zoomSocketUrl, type ZoomSocketFrame } from "./frames.js";
