import { useEffect, useState } from "preact/hooks";
import { allUsers, apiGet, csvUrl, uuidPath, type AttendanceReport, type InstanceTimeline, type ReviewSession, type Session } from "../api.js";
import { Evidence } from "../components/evidence.js";
import { KnownUsers, LinkControl, LinkedNotice, type Linked } from "../components/link-control.js";
import { IncompleteNotice } from "../components/incomplete-notice.js";
import { StatusBadge } from "../components/status-badge.js";
import { Timeline } from "../components/timeline.js";
import { formatConfidence, formatDateTime, formatMinutes, formatPercent, reasonText, sessionTimes, statusText, userHref } from "../format.js";
import { useData } from "../use-data.js";
import { useLive } from "../use-live.js";

/** What the page shows of one instance: its report, its timeline and the sessions to review. */
interface InstanceView {
  report: AttendanceReport;
  timeline: InstanceTimeline;
  review: ReviewSession[];
}

async function loadInstance(uuid: string): Promise<InstanceView> {
  const path = `/instances/${uuidPath(uuid)}`;
  const [report, timeline, review] = await Promise.all([
    apiGet<AttendanceReport>(`${path}/attendance`),
    apiGet<InstanceTimeline>(`${path}/timeline`),
    apiGet<{ data: ReviewSession[] }>(`${path}/unresolved`),
  ]);
  return { report, timeline, review: review.data.filter((s) => s.resolvedTo === null) };
}

/** One instance: the timeline, the attendance table with its CSV, and the unresolved sessions to link. */
export function InstancePage({ uuid, session }: { uuid: string; session: Session }) {
  const detail = useData(() => loadInstance(uuid), uuid);
  const users = useData(allUsers, "users");
  const [linked, setLinked] = useState<Linked | undefined>(undefined);
  // Every change of the instance arrives on its live stream: reload then, never on a timer.
  useLive(`/api/v1/instances/${uuidPath(uuid)}/live`, () => void detail.reload());
  const live = detail.data?.report.instance.status === "live";
  const now = useClock(live);

  if (detail.error && !detail.data) return <p role="alert">Could not load this meeting: {detail.error}</p>;
  if (!detail.data) return <p class="loading">Loading…</p>;
  const { report, timeline, review } = detail.data;
  const { instance, attendees } = report;
  const attended = attendees.filter((a) => a.sessions > 0).length;
  const expectedAbsent = attendees.length - attended;
  const names = new Map(timeline.sessions.filter((s) => s.externalId !== null).map((s) => [s.externalId!, s.userName]));
  const onLinked = (done: Linked): void => {
    setLinked(done);
    void detail.reload();
  };

  return (
    <>
      <p class="crumbs">
        <a href="#/">Meetings</a> ›
      </p>
      <h1>
        {instance.topic ?? "(no topic)"} <StatusBadge status={instance.status} />
      </h1>
      <p class="meta">
        Meeting <span class="mono">{instance.meetingId}</span> · started {formatDateTime(instance.startTime)}
        {instance.endTime ? ` · ended ${formatDateTime(instance.endTime)}` : " · still running"} · instance <span class="mono">{instance.uuid}</span>
      </p>
      {instance.possiblyIncomplete && <IncompleteNotice gaps={instance.gaps} />}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline timeline={timeline} now={now} />
        <Legend />
      </section>

      <div class="columns">
        <section aria-labelledby="attendance-title">
          <div class="section-head">
            <h2 id="attendance-title">
              Attendance{" "}
              <span class="count" data-testid="attendance-count">
                ({attended} attended{expectedAbsent > 0 ? `, ${expectedAbsent} expected but absent` : ""})
              </span>
            </h2>
            <a class="button" href={csvUrl(instance.uuid)} download>
              Download CSV
            </a>
          </div>
          <AttendanceTable report={report} shares={timeline.shares} names={names} hasUnresolved={review.length > 0} />
        </section>

        <section aria-labelledby="unresolved-title">
          <h2 id="unresolved-title">
            Unresolved sessions <span class="count" data-testid="unresolved-count">({review.length})</span>
          </h2>
          {linked && <LinkedNotice key={linked.at} linked={linked} onUndone={() => void detail.reload()} onDismiss={() => setLinked(undefined)} />}
          {users.data && <KnownUsers users={users.data} />}
          {review.length === 0 ? (
            <p class="empty-inline">Every session is attributed to a user.</p>
          ) : (
            <ul class="cards">
              {review.map((s) => (
                <li key={s.sessionKey} class="card" data-testid="unresolved-session">
                  <h3>{s.userName ?? `Session ${s.sessionKey.slice(0, 8)}…`}</h3>
                  <p class="hint">
                    {sessionTimes(s.firstJoin, s.lastLeave)} · {formatMinutes(s.attendedSeconds)} · {reasonText(s.reason)}
                  </p>
                  <Evidence identifiers={s.identifiers} displayName={s.userName} />
                  <LinkControl session={session} instanceUuid={instance.uuid} sessionKey={s.sessionKey} sessionLabel={s.userName} suggestions={s.suggestions} onLinked={onLinked} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function AttendanceTable({ report, shares, names, hasUnresolved }: { report: AttendanceReport; shares: Record<string, number>; names: Map<string, string | null>; hasUnresolved: boolean }) {
  if (report.attendees.length === 0) return <p class="empty-inline">No user recognised yet.{hasUnresolved ? " Link the unresolved sessions to users." : ""}</p>;
  return (
    <table class="data" data-testid="attendance-table">
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">Minutes</th>
          <th scope="col" class="num">% attended</th>
          <th scope="col">Resolved by</th>
          <th scope="col" class="num">Confidence</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {report.attendees.map((a) => (
          <tr key={a.externalId}>
            <td>
              <a href={userHref(a.externalId)}>{a.externalId}</a>
              {names.get(a.externalId) && <span class="hint"> {names.get(a.externalId)}</span>}
            </td>
            <td>{statusText(a.status)}</td>
            <td class="num">{formatMinutes(a.attendedSeconds)}</td>
            <td class="num">{formatPercent(shares[a.externalId] ?? 0)}</td>
            <td>{a.resolvedBy ?? "—"}</td>
            <td class="num">{formatConfidence(a.confidence)}</td>
            <td>{a.source ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      <li>
        <span class="swatch swatch-resolved" aria-hidden="true" /> resolved user
      </li>
      <li>
        <span class="swatch swatch-unresolved" aria-hidden="true" /> unresolved session
      </li>
      <li>
        <span class="swatch swatch-closed" aria-hidden="true" /> closed by the meeting's end (no leave seen)
      </li>
      <li>
        <span class="swatch swatch-breakout" aria-hidden="true" /> in a breakout room (counted)
      </li>
      <li>
        <span class="swatch swatch-waiting" aria-hidden="true" /> in the waiting room (not counted)
      </li>
    </ul>
  );
}

/** The clock, ticking every second while the meeting is live (so open bars grow smoothly between events). */
function useClock(live: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return live ? now : Date.now();
}
