import type { InstanceDetail, TimelineSession } from "../api.js";
import { formatTime } from "../format.js";

const WIDTH = 1000;
const LABEL_WIDTH = 230;
const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 30;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 16;

/** One row of the timeline: a resolved user (all their sessions) or one unresolved session. */
export interface TimelineRow {
  key: string;
  label: string;
  detail: string;
  resolved: boolean;
  intervals: Array<{ from: number; to: number | null; closedByMeetingEnd: boolean }>;
  rooms: TimelineSession["rooms"];
}

/** Rows in order of first join: one per resolved user, one per unresolved session. */
export function timelineRows(sessions: TimelineSession[]): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  for (const s of sessions) {
    const key = s.userId ? `user:${s.userId}` : `session:${s.sessionKey}`;
    let row = rows.get(key);
    if (!row) {
      row = s.userId
        ? { key, label: s.userName ? `${s.userId} · ${s.userName}` : s.userId, detail: `resolved by ${s.method ?? "?"}`, resolved: true, intervals: [], rooms: [] }
        : { key, label: s.displayName ? `? ${s.displayName}` : `? session ${s.sessionKey.slice(0, 8)}…`, detail: "unresolved", resolved: false, intervals: [], rooms: [] };
      rows.set(key, row);
    }
    row.intervals.push(...s.intervals);
    row.rooms.push(...s.rooms);
  }
  return [...rows.values()];
}

/**
 * The instance as an SVG timeline: a row per person, a bar per interval in the meeting proper,
 * the instance's start and end marked. Open intervals reach `now` while the meeting is live, so
 * rows grow as it runs. The SVG keeps one width; only its row count sets its height, inside a
 * fixed-height scroll box, so nothing below it moves as data streams in.
 */
export function Timeline({ detail, now }: { detail: InstanceDetail; now: number }) {
  const rows = timelineRows(detail.sessions);
  const { instance } = detail;
  const start = instance.startTime ? Date.parse(instance.startTime) : null;
  const end = instance.endTime ? Date.parse(instance.endTime) : null;
  const live = instance.status === "live";
  const froms = rows.flatMap((r) => [...r.intervals, ...r.rooms].map((i) => i.from));
  const tos = rows.flatMap((r) => r.intervals.map((i) => i.to ?? (live ? now : i.from)));
  const t0 = Math.min(...[start, instance.spanFrom, ...froms].filter((t): t is number => t !== null));
  const t1 = Math.max(...[end, instance.spanTo, live ? now : null, ...tos].filter((t): t is number => t !== null), t0 + 60_000);
  const x = (t: number): number => LABEL_WIDTH + ((t - t0) / (t1 - t0)) * PLOT_WIDTH;
  const height = AXIS_HEIGHT + Math.max(rows.length, 1) * ROW_HEIGHT + 4;
  const ticks = niceTicks(t0, t1);

  if (!Number.isFinite(t0)) return <p class="empty-inline">Nobody has joined yet. Rows appear here as participants join.</p>;
  return (
    <div class={`timeline-box${live ? " timeline-live" : ""}`} tabIndex={0} role="region" aria-label="Timeline (scrollable)">
      <svg
        class="timeline"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`Timeline of ${rows.length} participants from ${formatTime(t0)} to ${formatTime(t1)}; the attendance table below has the same figures.`}
      >
        <defs>
          <pattern id="closed-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" class="bar-closed-bg" />
            <line x1="0" y1="0" x2="0" y2="6" class="bar-closed-line" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t} class="tick">
            <line x1={x(t)} x2={x(t)} y1={AXIS_HEIGHT - 6} y2={height} />
            <text x={x(t)} y={AXIS_HEIGHT - 10} text-anchor="middle">
              {formatTime(t)}
            </text>
          </g>
        ))}
        {rows.map((row, index) => {
          const y = AXIS_HEIGHT + index * ROW_HEIGHT;
          return (
            <g key={row.key} data-testid="timeline-row" class={row.resolved ? "row resolved" : "row unresolved"}>
              <text x={8} y={y + ROW_HEIGHT / 2 + 5} class="row-label">
                {truncate(row.label, 30)}
              </text>
              {row.intervals.map((i, k) => {
                const to = i.to ?? (live ? now : i.from);
                const open = i.to === null;
                return (
                  <rect
                    key={k}
                    x={x(i.from)}
                    y={y + 5}
                    width={Math.max(2, x(to) - x(i.from))}
                    height={ROW_HEIGHT - 10}
                    rx={3}
                    class={`bar${open ? " bar-open" : ""}${i.closedByMeetingEnd ? " bar-closed" : ""}`}
                    {...(i.closedByMeetingEnd ? { fill: "url(#closed-hatch)" } : {})}
                  >
                    <title>{`${row.label} (${row.detail}): ${formatTime(i.from)}–${open ? "still here" : formatTime(to)}${i.closedByMeetingEnd ? ", closed by the meeting's end" : ""}`}</title>
                  </rect>
                );
              })}
              {row.rooms.map((room, k) => {
                // A stretch with no recorded end lasted until the meeting ended (or lasts until now).
                const to = room.to ?? (live ? now : (end ?? t1));
                const waiting = room.kind === "waiting_room";
                return (
                  <rect
                    key={`room${k}`}
                    x={x(room.from)}
                    y={y + 9}
                    width={Math.max(2, x(to) - x(room.from))}
                    height={ROW_HEIGHT - 18}
                    rx={2}
                    class={waiting ? "room-waiting" : "room-breakout"}
                  >
                    <title>{`${row.label}: ${waiting ? "in the waiting room (not counted)" : "in a breakout room (counted)"} ${formatTime(room.from)}–${room.to === null ? "still there" : formatTime(to)}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        {start !== null && <Marker x={x(start)} height={height} label="start" />}
        {end !== null && <Marker x={x(end)} height={height} label="end" />}
        {live && <Marker x={x(now)} height={height} label="now" className="marker-now" />}
      </svg>
    </div>
  );
}

function Marker({ x, height, label, className }: { x: number; height: number; label: string; className?: string }) {
  return (
    <g class={`marker ${className ?? ""}`}>
      <line x1={x} x2={x} y1={AXIS_HEIGHT - 4} y2={height} />
      <text x={x > WIDTH - 60 ? x - 3 : x + 3} y={10} text-anchor={x > WIDTH - 60 ? "end" : "start"}>
        {label}
      </text>
    </g>
  );
}

/** Tick times on round minutes, about six across. */
function niceTicks(t0: number, t1: number): number[] {
  const minutes = [1, 2, 5, 10, 15, 30, 60, 120, 240];
  const span = (t1 - t0) / 60_000;
  const step = (minutes.find((m) => span / m <= 7) ?? 480) * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
