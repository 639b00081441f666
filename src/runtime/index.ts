/** Contracts between the composition root (`src/service`) and the parts it runs. */
export type { Worker, WorkerContext } from "./worker.js";
