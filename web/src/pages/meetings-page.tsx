import { useState } from "preact/hooks";
import { apiGet, type InstancePage, type InstanceSummary, type Session } from "../api.js";
import { IncompleteBadge } from "../components/incomplete-notice.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatDateTime, formatDuration, instanceHref, unresolvedHref } from "../format.js";
import { useData } from "../use-data.js";
import { useLive } from "../use-live.js";

/** The listing for the filters: dates are whole days in UTC, `to` included (the API's rule for a date). */
function loadInstances(filters: Filters): Promise<InstancePage> {
  return apiGet<InstancePage>("/instances", {
    limit: 500,
    q: filters.q.trim(),
    from: filters.from || undefined,
    to: filters.to || undefined,
  });
}

interface Filters {
  from: string;
  to: string;
  q: string;
}

/** Every instance, newest first, with its counts; live ones marked; filter by dates, search by topic or number. */
export function MeetingsPage({ session }: { session: Session }) {
  const [filters, setFilters] = useState<Filters>({ from: "", to: "", q: "" });
  const [draft, setDraft] = useState<Filters>(filters);
  const list = useData(() => loadInstances(filters), JSON.stringify(filters));
  // New meetings, joins and ends arrive on the account's live stream: reload then, never on a timer.
  useLive("/api/v1/live", () => void list.reload());
  const filtered = filters.from !== "" || filters.to !== "" || filters.q !== "";
  const now = Date.now();

  return (
    <>
      <h1>Meetings</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <label>
          From
          <input type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </label>
        <label>
          To
          <input type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </label>
        <label>
          Topic or meeting number
          <input type="search" value={draft.q} placeholder="e.g. Biology or 812 3456 7890" onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
        </label>
        <button type="submit">Filter</button>
        {filtered && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              const empty = { from: "", to: "", q: "" };
              setDraft(empty);
              setFilters(empty);
            }}
          >
            Clear
          </button>
        )}
      </form>
      {list.error && <p role="alert">Could not load the meetings: {list.error}</p>}
      {!list.data && !list.error && <p class="loading">Loading…</p>}
      {list.data && list.data.data.length === 0 && (filtered ? <p>No meeting matches these filters.</p> : <EmptyState session={session} />)}
      {list.data && list.data.data.length > 0 && (
        <table class="data">
          <caption class="visually-hidden">Meeting instances, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Meeting</th>
              <th scope="col">Start</th>
              <th scope="col">Duration</th>
              <th scope="col" class="num">Attended</th>
              <th scope="col" class="num">Unresolved</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((i: InstanceSummary) => (
              <tr key={i.uuid} class={i.status === "live" ? "live-row" : undefined}>
                <td>
                  <a href={instanceHref(i.uuid)}>{i.topic ?? "(no topic)"}</a>
                </td>
                <td class="mono">{i.meetingId}</td>
                <td>{formatDateTime(i.startTime)}</td>
                <td>{formatDuration(i.startTime, i.endTime, now)}</td>
                <td class="num">
                  {i.attendees}
                  {i.expectedAbsent > 0 && <span class="hint"> (+{i.expectedAbsent} absent)</span>}
                </td>
                <td class="num">{i.unresolved > 0 ? <a href={unresolvedHref(i.uuid)} aria-label={`${i.unresolved} unresolved sessions`}>{i.unresolved}</a> : 0}</td>
                <td>
                  <StatusBadge status={i.status} />
                  {i.possiblyIncomplete && <> <IncompleteBadge /></>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function EmptyState({ session }: { session: Session }) {
  return (
    <section class="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No meetings yet</h2>
      <p>Rollcall shows a meeting here as soon as Zoom tells it about one. Two ways to get started:</p>
      <ol>
        <li>
          <strong>Point Zoom at Rollcall:</strong> in the Zoom Marketplace, open your app → <em>Features</em> → <em>Event Subscriptions</em> and add the endpoint{" "}
          <code>{session.webhookUrl}</code> (Zoom needs a public https URL: set <code>ROLLCALL_PUBLIC_URL</code>).
        </li>
        <li>
          <strong>Or watch a simulated class:</strong> in a terminal next to <code>rollcall serve</code>, run{" "}
          <code>npx rollcall users import examples/classroom-users.json</code> then <code>npx rollcall simulate --scenario classroom --speed 60</code>.
        </li>
      </ol>
    </section>
  );
}
