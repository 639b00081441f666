import { ApiError, apiGet, type User, type UserAttendance } from "../api.js";
import { formatConfidence, formatDateTime, formatMinutes, instanceHref, statusText } from "../format.js";
import { useData } from "../use-data.js";

type AttendedInstance = UserAttendance["instances"][number];

/** The user (null when only attendance is known under that id) and their attendance, newest first. */
async function loadUser(externalId: string): Promise<{ user: User | null; attendance: AttendedInstance[] }> {
  const path = `/users/${encodeURIComponent(externalId)}`;
  const [user, attendance] = await Promise.all([
    apiGet<User>(path).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }),
    apiGet<UserAttendance>(`${path}/attendance`),
  ]);
  return { user, attendance: attendance.instances };
}

const CHART_WIDTH = 1000;
const CHART_HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 36 };

/** One user's attendance across instances: minutes per instance over time, and the table. */
export function UserPage({ externalId }: { externalId: string }) {
  const detail = useData(() => loadUser(externalId), externalId);
  if (detail.error && !detail.data) return <p role="alert">Could not load this user: {detail.error}</p>;
  if (!detail.data) return <p class="loading">Loading…</p>;
  const { user, attendance } = detail.data;
  const total = attendance.reduce((sum, a) => sum + a.attendedSeconds, 0);

  return (
    <>
      <p class="crumbs">
        <a href="#/">Meetings</a> ›
      </p>
      <h1>
        {externalId}
        {user?.name && <span class="subtitle"> {user.name}</span>}
      </h1>
      <p class="meta">
        {attendance.length} meeting{attendance.length === 1 ? "" : "s"} attended · {formatMinutes(total)} in all
      </p>
      {attendance.length === 0 ? (
        <p class="empty-inline">This user has not been seen in any meeting yet. Once they join one (recognised by a join link, e-mail or a manual link), it appears here.</p>
      ) : (
        <>
          <section aria-labelledby="chart-title">
            <h2 id="chart-title">Minutes per meeting</h2>
            <UserChart rows={[...attendance].reverse()} />
          </section>
          <section aria-labelledby="history-title">
            <h2 id="history-title">Meetings</h2>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Start</th>
                  <th scope="col">Topic</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">Minutes</th>
                  <th scope="col" class="num">Sessions</th>
                  <th scope="col">Resolved by</th>
                  <th scope="col" class="num">Confidence</th>
                </tr>
              </thead>
              <tbody>
                {attendance.map((a) => (
                  <tr key={a.instance.uuid}>
                    <td>{formatDateTime(a.instance.startTime)}</td>
                    <td>
                      <a href={instanceHref(a.instance.uuid)}>{a.instance.topic ?? "(no topic)"}</a> <span class="hint mono">{a.instance.meetingId}</span>
                    </td>
                    <td>{statusText(a.status)}</td>
                    <td class="num">{formatMinutes(a.attendedSeconds)}</td>
                    <td class="num">{a.sessions}</td>
                    <td>{a.resolvedBy}</td>
                    <td class="num">{formatConfidence(a.confidence)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  );
}

/** Bars of minutes attended, oldest meeting first; the table below carries the same numbers. */
function UserChart({ rows }: { rows: AttendedInstance[] }) {
  const maxMinutes = Math.max(10, ...rows.map((r) => r.attendedSeconds / 60));
  const plotW = CHART_WIDTH - PAD.left - PAD.right;
  const plotH = CHART_HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / rows.length;
  const barW = Math.min(48, slot * 0.7);
  const y = (minutes: number): number => PAD.top + plotH - (minutes / maxMinutes) * plotH;
  const gridLines = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(maxMinutes * f));
  return (
    <svg class="user-chart" viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`} width="100%" role="img" aria-label={`Minutes attended in each of ${rows.length} meetings, oldest first`}>
      {gridLines.map((m) => (
        <g key={m} class="tick">
          <line x1={PAD.left} x2={CHART_WIDTH - PAD.right} y1={y(m)} y2={y(m)} />
          <text x={PAD.left - 6} y={y(m) + 4} text-anchor="end">
            {m}
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const cx = PAD.left + slot * i + slot / 2;
        const minutes = r.attendedSeconds / 60;
        return (
          <g key={r.instance.uuid}>
            <rect x={cx - barW / 2} y={y(minutes)} width={barW} height={Math.max(1, PAD.top + plotH - y(minutes))} class={`bar status-${r.status}`}>
              <title>{`${formatDateTime(r.instance.startTime)} ${r.instance.topic ?? ""}: ${Math.round(minutes)} min (${statusText(r.status)})`}</title>
            </rect>
            {rows.length <= 16 && (
              <text x={cx} y={CHART_HEIGHT - PAD.bottom + 16} text-anchor="middle" class="axis-label">
                {r.instance.startTime ? new Date(r.instance.startTime).toLocaleDateString(undefined, { month: "short", day: "numeric" }) : "?"}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
