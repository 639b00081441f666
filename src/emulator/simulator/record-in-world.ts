import type { ZoomInstance, ZoomWorld } from "../world.js";
import type { Simulation } from "./simulation-types.js";

/**
 * Hands a finished simulated instance to the emulated account, so the REST emulator serves its
 * participant report (`/report/meetings/{uuid}/participants`). The scenario's meeting number must
 * be a meeting of that world (create it there first and use its number in the scenario).
 *
 * @throws ZoomWorldError (404, 3001) when the world has no meeting with that number
 */
export function recordInWorld(world: ZoomWorld, simulation: Simulation): ZoomInstance {
  const { instance, report } = simulation;
  world.recordStartedInstance({ meetingId: instance.id, uuid: instance.uuid, startTime: instance.startTime });
  return world.recordFinishedInstance({
    meetingId: instance.id,
    uuid: instance.uuid,
    startTime: instance.startTime,
    endTime: instance.endTime,
    reportRows: report.rows,
  });
}
