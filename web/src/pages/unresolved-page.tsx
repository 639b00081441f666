import { getJson, type QueueItem, type Session } from "../api.js";
import { Evidence } from "../components/evidence.js";
import { KnownUsers, LinkControl } from "../components/link-control.js";
import { formatDateTime, formatMinutes, instanceHref, reasonText } from "../format.js";
import { useData } from "../use-data.js";

/** Every unresolved session across meetings, with its evidence and suggestions, to link by hand. */
export function UnresolvedPage({ session }: { session: Session }) {
  const queue = useData(() => getJson<{ data: QueueItem[] }>("unresolved"), "unresolved", 5000);
  const users = useData(() => getJson<{ data: Array<{ externalId: string; name: string | null }> }>("users"), "users");

  return (
    <>
      <h1>Unresolved sessions</h1>
      <p class="meta">Sessions Rollcall could not attribute to one of your users. Pick a suggestion (or type a user's externalId) and link it; attendance is recomputed at once.</p>
      {users.data && <KnownUsers users={users.data.data} />}
      {queue.error && <p role="alert">Could not load the queue: {queue.error}</p>}
      {!queue.data && !queue.error && <p class="loading">Loading…</p>}
      {queue.data && queue.data.data.length === 0 && (
        <section class="empty">
          <h2>Nothing to review</h2>
          <p>
            Every participant session is attributed to a user. Sessions land here when Zoom sends nothing Rollcall can match: no registrant id, customer key or known e-mail. Import
            your users (<code>rollcall users import</code>) or issue join links (<code>rollcall links issue</code>) so fewer end up here.
          </p>
        </section>
      )}
      {queue.data && queue.data.data.length > 0 && (
        <ul class="cards">
          {queue.data.data.map((item) => (
            <li key={`${item.instanceUuid}/${item.sessionKey}`} class="card" data-testid="queue-item">
              <h2 class="card-title">{item.displayName ?? `Session ${item.sessionKey.slice(0, 8)}…`}</h2>
              <p class="hint">
                in <a href={instanceHref(item.instanceUuid)}>{item.topic ?? "(no topic)"}</a> ({item.meetingId}, {formatDateTime(item.instanceStart)}) · {formatMinutes(item.attendedSeconds)} ·{" "}
                {reasonText(item.reason)}
              </p>
              <Evidence identifiers={item.identifiers} displayName={item.displayName} />
              <LinkControl session={session} instanceUuid={item.instanceUuid} sessionKey={item.sessionKey} suggestions={item.suggestions} onLinked={() => void queue.reload()} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
