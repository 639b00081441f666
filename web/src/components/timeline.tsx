import { useEffect, useRef, useState } from "preact/hooks";
import type { InstanceTimeline, TimelineSession } from "../api.js";
import { formatTime, timeZoneLabel } from "../format.js";

const ROW_HEIGHT = 26;
/** Two lanes above the rows: marker labels (start, end, now), then the time ticks, so they never overlap. */
const MARKER_LANE = 16;
const AXIS_HEIGHT = MARKER_LANE + 22;
const RIGHT_PAD = 12;
/** Rows shown before the box scrolls (the box then says so). */
const ROWS_SHOWN = 24;
/** Width of one character of the 12–13 px labels, to keep tick labels inside the plot. */
const CHAR_PX = 7;

/** A stretch with times in epoch ms (`to` null while open). */
interface Stretch {
  from: number;
  to: number | null;
}

/** One row of the timeline: a resolved user (all their sessions) or one unresolved session. */
export interface TimelineRow {
  key: string;
  label: string;
  detail: string;
  resolved: boolean;
  intervals: Array<Stretch & { closedByMeetingEnd: boolean }>;
  rooms: Array<Stretch & { kind: "waiting_room" | "breakout" }>;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** Rows in order of first join: one per resolved user, one per unresolved session. */
export function timelineRows(sessions: TimelineSession[]): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  for (const s of sessions) {
    const key = s.externalId ? `user:${s.externalId}` : `session:${s.sessionKey}`;
    let row = rows.get(key);
    if (!row) {
      row = s.externalId
        ? { key, label: s.userName ? `${s.externalId} · ${s.userName}` : s.externalId, detail: `resolved by ${s.method ?? "?"}`, resolved: true, intervals: [], rooms: [] }
        : { key, label: s.displayName ? `? ${s.displayName}` : `? session ${s.sessionKey.slice(0, 8)}…`, detail: "unresolved", resolved: false, intervals: [], rooms: [] };
      rows.set(key, row);
    }
    row.intervals.push(...s.intervals.map((i) => ({ from: ms(i.from)!, to: ms(i.to), closedByMeetingEnd: i.closedByMeetingEnd })));
    row.rooms.push(...s.rooms.map((r) => ({ kind: r.kind, from: ms(r.from)!, to: ms(r.to) })));
  }
  return [...rows.values()];
}

/** The width the element is drawn at, in CSS pixels (followed as the window resizes). */
function useWidth(): [(element: HTMLDivElement | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | undefined>(undefined);
  useEffect(() => () => observer.current?.disconnect(), []);
  const ref = (element: HTMLDivElement | null): void => {
    observer.current?.disconnect();
    if (!element) return;
    observer.current = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.current.observe(element);
  };
  return [ref, width];
}

/**
 * The instance as an SVG timeline: a row per person, a bar per interval in the meeting proper,
 * waiting-room and breakout stretches drawn apart, the instance's start and end marked. Drawn at
 * the box's own pixel width, so labels keep their size at any window width; every row is shown (the
 * box scrolls, and says so, only past {@link ROWS_SHOWN}). Open intervals reach `now` while live.
 */
export function Timeline({ timeline, now }: { timeline: InstanceTimeline; now: number }) {
  const [ref, width] = useWidth();
  const rows = timelineRows(timeline.sessions);
  const { instance } = timeline;
  const live = instance.status === "live";
  const start = ms(instance.startTime);
  const end = ms(instance.endTime);
  const froms = rows.flatMap((r) => [...r.intervals, ...r.rooms].map((i) => i.from));
  const tos = rows.flatMap((r) => r.intervals.map((i) => i.to ?? (live ? now : i.from)));
  const t0 = Math.min(...[start, ms(timeline.spanFrom), ...froms].filter((t): t is number => t !== null));
  const t1 = Math.max(...[end, ms(timeline.spanTo), live ? now : null, ...tos].filter((t): t is number => t !== null), t0 + 60_000);
  if (!Number.isFinite(t0)) return <p class="empty-inline">Nobody has joined yet. Rows appear here as participants join.</p>;
  const scrolls = rows.length > ROWS_SHOWN;
  return (
    <>
      <div
        ref={ref}
        class={`timeline-box${scrolls ? " timeline-scrolls" : ""}`}
        style={scrolls ? { maxHeight: `${AXIS_HEIGHT + ROWS_SHOWN * ROW_HEIGHT}px` } : undefined}
        tabIndex={0}
        role="region"
        aria-label="Timeline"
      >
        {width > 0 && <TimelineSvg rows={rows} width={width} t0={t0} t1={t1} start={start} end={end} live={live} now={now} />}
      </div>
      <p class="hint timeline-caption">
        {rows.length} row{rows.length === 1 ? "" : "s"}
        {scrolls ? " (scroll the timeline for all)" : ""} · times in {timeZoneLabel(t0)}
      </p>
    </>
  );
}

interface SvgProps {
  rows: TimelineRow[];
  width: number;
  t0: number;
  t1: number;
  start: number | null;
  end: number | null;
  live: boolean;
  now: number;
}

function TimelineSvg({ rows, width, t0, t1, start, end, live, now }: SvgProps) {
  // The label column takes what a narrow window can spare; labels are cut to fit it.
  const labelWidth = Math.round(Math.min(230, Math.max(120, width * 0.26)));
  const plotWidth = width - labelWidth - RIGHT_PAD;
  const x = (t: number): number => labelWidth + ((t - t0) / (t1 - t0)) * plotWidth;
  const height = AXIS_HEIGHT + Math.max(rows.length, 1) * ROW_HEIGHT + 4;
  const scale = { x, width, labelWidth, height };
  return (
    <svg
      class="timeline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`Timeline of ${rows.length} participants from ${formatTime(t0)} to ${formatTime(t1)}; the attendance table has the same figures.`}
    >
      <defs>
        <pattern id="closed-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" class="bar-closed-bg" />
          <line x1="0" y1="0" x2="0" y2="6" class="bar-closed-line" />
        </pattern>
      </defs>
      {tickLabels(niceTicks(t0, t1, plotWidth), x, labelWidth, width).map(({ t, anchor }) => (
        <g key={t} class="tick">
          <line x1={x(t)} x2={x(t)} y1={AXIS_HEIGHT - 4} y2={height} />
          {anchor !== undefined && (
            <text x={x(t)} y={AXIS_HEIGHT - 8} text-anchor={anchor}>
              {formatTime(t)}
            </text>
          )}
        </g>
      ))}
      {rows.map((row, index) => (
        <TimelineRowBars key={row.key} row={row} y={AXIS_HEIGHT + index * ROW_HEIGHT} maxLabel={Math.floor((labelWidth - 12) / CHAR_PX)} x={x} live={live} now={now} end={end ?? t1} />
      ))}
      {start !== null && <Marker scale={scale} at={start} label="start" />}
      {end !== null && <Marker scale={scale} at={end} label="end" />}
      {live && <Marker scale={scale} at={now} label="now" className="marker-now" />}
    </svg>
  );
}

function TimelineRowBars({ row, y, maxLabel, x, live, now, end }: { row: TimelineRow; y: number; maxLabel: number; x: (t: number) => number; live: boolean; now: number; end: number }) {
  return (
    <g data-testid="timeline-row" class={row.resolved ? "row resolved" : "row unresolved"}>
      <text x={8} y={y + ROW_HEIGHT / 2 + 5} class="row-label">
        <title>{row.label}</title>
        {truncate(row.label, maxLabel)}
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
        const to = room.to ?? (live ? now : end);
        const waiting = room.kind === "waiting_room";
        return (
          <rect key={`room${k}`} x={x(room.from)} y={y + 9} width={Math.max(2, x(to) - x(room.from))} height={ROW_HEIGHT - 18} rx={2} class={waiting ? "room-waiting" : "room-breakout"}>
            <title>{`${row.label}: ${waiting ? "in the waiting room (not counted)" : "in a breakout room (counted)"} ${formatTime(room.from)}–${room.to === null ? "still there" : formatTime(to)}`}</title>
          </rect>
        );
      })}
    </g>
  );
}

function Marker({ scale, at, label, className }: { scale: { x: (t: number) => number; width: number; labelWidth: number; height: number }; at: number; label: string; className?: string }) {
  const x = scale.x(at);
  return (
    <g class={`marker ${className ?? ""}`}>
      <line x1={x} x2={x} y1={MARKER_LANE} y2={scale.height} />
      <text x={x} y={MARKER_LANE - 4} text-anchor={anchorFor(x, label.length * CHAR_PX, scale.labelWidth, scale.width)}>
        {label}
      </text>
    </g>
  );
}

/** Centred on its tick, unless that would cut it at either edge of the plot. */
function anchorFor(x: number, textWidth: number, left: number, width: number): "start" | "middle" | "end" {
  if (x + textWidth / 2 > width - 2) return "end";
  if (x - textWidth / 2 < left) return "start";
  return "middle";
}

/**
 * Where each tick's label goes: centred, or pushed inside at an edge of the plot; none for a tick
 * whose label would touch the previous one's (its line stays).
 */
function tickLabels(ticks: number[], x: (t: number) => number, left: number, width: number): Array<{ t: number; anchor: "start" | "middle" | "end" | undefined }> {
  let previousRight = -Infinity;
  return ticks.map((t) => {
    const textWidth = formatTime(t).length * CHAR_PX;
    const anchor = anchorFor(x(t), textWidth, left, width);
    const from = anchor === "start" ? x(t) : anchor === "end" ? x(t) - textWidth : x(t) - textWidth / 2;
    if (from < previousRight + 8) return { t, anchor: undefined };
    previousRight = from + textWidth;
    return { t, anchor };
  });
}

/** Tick times on round minutes, one per ~90 px of plot at most. */
function niceTicks(t0: number, t1: number, plotWidth: number): number[] {
  const minutes = [1, 2, 5, 10, 15, 30, 60, 120, 240];
  const span = (t1 - t0) / 60_000;
  const most = Math.max(2, Math.floor(plotWidth / 90));
  const step = (minutes.find((m) => span / m <= most) ?? 480) * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}
