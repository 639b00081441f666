import { useEffect, useState } from "preact/hooks";
import { csvUrl, getJson, type InstanceDetail, type Session } from "../api.js";
import { Evidence } from "../components/evidence.js";
import { KnownUsers, LinkControl } from "../components/link-control.js";
import { StatusBadge } from "../components/status-badge.js";
import { Timeline } from "../components/timeline.js";
import { formatConfidence, formatDateTime, formatMinutes, formatPercent, reasonText, userHref } from "../format.js";
import { useData } from "../use-data.js";

/** One instance: the timeline, the attendance table with its CSV, and the unresolved sessions to link. */
export function InstancePage({ uuid, session }: { uuid: string; session: Session }) {
  const [fastRefresh, setFastRefresh] = useState(0);
  const detail = useData(() => getJson<InstanceDetail>("instance", { uuid }), uuid, 3000);
  const users = useData(() => getJson<{ data: Array<{ externalId: string; name: string | null }> }>("users"), "users");
  const live = detail.data?.instance.status === "live";
  const now = useClock(detail.data?.now, live);

  // After a link the pipeline re-resolves in the background: look again quickly for a few seconds.
  useEffect(() => {
    if (fastRefresh === 0) return;
    let left = 10;
    const timer = setInterval(() => {
      void detail.reload();
      if (--left === 0) clearInterval(timer);
    }, 500);
    return () => clearInterval(timer);
  }, [fastRefresh]);

  if (detail.error && !detail.data) return <p role="alert">Could not load this meeting: {detail.error}</p>;
  if (!detail.data) return <p class="loading">Loading…</p>;
  const { instance, attendees, unresolved } = detail.data;
  const onLinked = (): void => {
    void detail.reload();
    setFastRefresh((n) => n + 1);
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

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline detail={detail.data} now={now} />
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
      </section>

      <div class="columns">
        <section aria-labelledby="attendance-title">
          <div class="section-head">
            <h2 id="attendance-title">
              Attendance <span class="count">({attendees.length})</span>
            </h2>
            <a class="button" href={csvUrl(instance.uuid)} download>
              Download CSV
            </a>
          </div>
          {attendees.length === 0 ? (
            <p class="empty-inline">No user recognised yet.{unresolved.length > 0 ? " Link the unresolved sessions to users." : ""}</p>
          ) : (
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
                {attendees.map((a) => (
                  <tr key={a.externalId}>
                    <td>
                      <a href={userHref(a.externalId)}>{a.externalId}</a>
                      {a.name && <span class="hint"> {a.name}</span>}
                    </td>
                    <td>{a.status.replace(/_/g, " ")}</td>
                    <td class="num">{formatMinutes(a.attendedSeconds)}</td>
                    <td class="num">{formatPercent(a.shareOfInstance)}</td>
                    <td>{a.resolvedBy ?? "—"}</td>
                    <td class="num">{formatConfidence(a.confidence)}</td>
                    <td>{a.source ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section aria-labelledby="unresolved-title">
          <h2 id="unresolved-title">
            Unresolved sessions <span class="count" data-testid="unresolved-count">({unresolved.length})</span>
          </h2>
          {users.data && <KnownUsers users={users.data.data} />}
          {unresolved.length === 0 ? (
            <p class="empty-inline">Every session is attributed to a user.</p>
          ) : (
            <ul class="cards">
              {unresolved.map((s) => (
                <li key={s.sessionKey} class="card" data-testid="unresolved-session">
                  <h3>{s.displayName ?? `Session ${s.sessionKey.slice(0, 8)}…`}</h3>
                  <p class="hint">
                    {formatMinutes(s.attendedSeconds)} · {reasonText(s.unresolvedReason)}
                  </p>
                  <Evidence identifiers={s.identifiers} displayName={s.displayName} />
                  <LinkControl session={session} instanceUuid={instance.uuid} sessionKey={s.sessionKey} suggestions={s.suggestions} onLinked={onLinked} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

/** The server's clock, ticking locally every second while the meeting is live (so open bars grow smoothly). */
function useClock(serverNow: number | undefined, live: boolean): number {
  const [offset] = useState(() => ({ at: Date.now(), server: serverNow ?? Date.now() }));
  if (serverNow !== undefined && serverNow !== offset.server) {
    offset.at = Date.now();
    offset.server = serverNow;
  }
  const [, tick] = useState(0);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return offset.server + (Date.now() - offset.at);
}
