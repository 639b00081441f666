import { Fragment } from "preact";
import type { Identifier } from "../api.js";

/** What Rollcall saw on a session: each identifier with where it came from. */
export function Evidence({ identifiers, displayName }: { identifiers: Identifier[]; displayName: string | null }) {
  const shown = identifiers.filter((i) => !(i.field === "user_name" && i.value === displayName));
  if (shown.length === 0 && !displayName) return <p class="hint">Nothing identifying was seen on this session.</p>;
  return (
    <dl class="evidence">
      {displayName && (
        <>
          <dt>name shown</dt>
          <dd>{displayName}</dd>
        </>
      )}
      {shown.map((i, k) => (
        <Fragment key={k}>
          <dt>{i.field.replace(/_/g, " ")}</dt>
          <dd>
            <span class="mono">{i.value}</span> <span class="hint">({i.source})</span>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
