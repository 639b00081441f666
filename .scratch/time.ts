import { loadScenario } from "../src/emulator/scenarios/load-scenario.js";
import { simulateMeeting } from "../src/emulator/simulator/simulate-meeting.js";
const t = Date.now();
const sim = simulateMeeting(loadScenario("classroom"), { seed: 1 });
console.log("sim ms", Date.now() - t, "deliveries", sim.deliveries.length);
