import { useState } from "preact/hooks";
import { allUsers, apiGet, type ReviewQueueItem, type Session } from "../api.js";
import { Evidence } from "../components/evidence.js";
import { KnownUsers, LinkControl, LinkedNotice, type Linked } from "../components/link-control.js";
import { formatDateTime, formatMinutes, instanceHref, reasonText, sessionTimes, unresolvedHref } from "../format.js";
import { useData } from "../use-data.js";
import { useLive } from "../use-live.js";

/** Every unresolved session across meetings (or one meeting's), with its evidence, times and suggestions, to link by hand. */
export function UnresolvedPage({ session, instanceUuid }: { session: Session; instanceUuid?: string }) {
  const queue = useData(() => apiGet<{ data: ReviewQueueItem[] }>("/unresolved", { instanceUuid }), instanceUuid ?? "all");
  const users = useData(allUsers, "users");
  const [linked, setLinked] = useState<Linked | undefined>(undefined);
  useLive("/api/v1/live", () => void queue.reload());
  const items = queue.data?.data ?? [];
  const meeting = instanceUuid !== undefined ? items[0] : undefined;

  return (
    <>
      {instanceUuid !== undefined && (
        <p class="crumbs">
          <a href={unresolvedHref()}>All unresolved sessions</a> ›
        </p>
      )}
      <h1>Unresolved sessions{instanceUuid !== undefined && <span class="subtitle"> of {meeting ? <a href={instanceHref(instanceUuid)}>{meeting.topic ?? "(no topic)"}</a> : "this meeting"}</span>}</h1>
      <p class="meta">Sessions Rollcall could not attribute to one of your users. Pick a suggestion (or type a user's externalId) and link it; attendance is recomputed at once.</p>
      {linked && <LinkedNotice key={linked.at} linked={linked} onUndone={() => void queue.reload()} onDismiss={() => setLinked(undefined)} />}
      {users.data && <KnownUsers users={users.data} />}
      {queue.error && <p role="alert">Could not load the queue: {queue.error}</p>}
      {!queue.data && !queue.error && <p class="loading">Loading…</p>}
      {queue.data && items.length === 0 && (
        <section class="empty">
          <h2>Nothing to review</h2>
          <p>
            Every participant session is attributed to a user. Sessions land here when Zoom sends nothing Rollcall can match: no registrant id, customer key or known e-mail. Import
            your users (<code>rollcall users import</code>) or issue join links (<code>rollcall links issue</code>) so fewer end up here.
          </p>
        </section>
      )}
      {items.length > 0 && (
        <ul class="cards">
          {items.map((item) => (
            <li key={`${item.instanceUuid}/${item.sessionKey}`} class="card" data-testid="queue-item">
              <h2 class="card-title">{item.userName ?? `Session ${item.sessionKey.slice(0, 8)}…`}</h2>
              <p class="hint">
                in <a href={instanceHref(item.instanceUuid)}>{item.topic ?? "(no topic)"}</a> ({item.meetingId}, {formatDateTime(item.instanceStart)}) · {sessionTimes(item.firstJoin, item.lastLeave)} ·{" "}
                {formatMinutes(item.attendedSeconds)} · {reasonText(item.reason)}
              </p>
              <Evidence identifiers={item.identifiers} displayName={item.userName} />
              <LinkControl
                session={session}
                instanceUuid={item.instanceUuid}
                sessionKey={item.sessionKey}
                sessionLabel={item.userName}
                suggestions={item.suggestions}
                onLinked={(done) => {
                  setLinked(done);
                  void queue.reload();
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
