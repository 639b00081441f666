/** An instance's status as a badge; `live` carries a dot and says so in words too. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge-${status}`}>
      {status === "live" && <span class="dot" aria-hidden="true" />}
      {status}
    </span>
  );
}
