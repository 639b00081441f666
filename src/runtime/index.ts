/** Contracts between the composition root (`src/service`) and the parts it runs, and where the running package lives. */
export type { Worker, WorkerContext } from "./worker.js";
export { packageRoot, packageVersion } from "./package-files.js";
export { createDoorBoard, type DoorBoard, type DoorState } from "./doors.js";
