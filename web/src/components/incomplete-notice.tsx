import type { InstanceGap } from "../api.js";
import { formatDateTime } from "../format.js";

/** An incomplete mark for lists: the instance may miss events (a WebSocket gap, not yet repaired). */
export function IncompleteBadge() {
  return (
    <span class="badge badge-incomplete" title="No WebSocket connection was open for part of it; Zoom's report repairs it when the instance is finalized">
      may be incomplete
    </span>
  );
}

/** Why an instance's attendance may be incomplete, and what repairs it. */
export function IncompleteNotice({ gaps }: { gaps: readonly InstanceGap[] }) {
  return (
    <div class="warning" role="status" data-testid="incomplete-notice">
      <p>
        <strong>Attendance may be incomplete.</strong> No connection to Zoom's WebSocket was open{" "}
        {gaps.map((g, i) => (
          <span key={i}>
            {i > 0 ? ", " : ""}from {formatDateTime(g.start)} to {g.end === null ? "now" : formatDateTime(g.end)}
          </span>
        ))}
        , and Zoom does not resend what it sent meanwhile. Rollcall merges Zoom's participant report once the meeting has ended; this notice goes when the
        instance is finalized.
      </p>
    </div>
  );
}
