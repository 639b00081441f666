import { useState } from "preact/hooks";
import { apiWrite, uuidPath, type AttendanceReport, type Session, type Suggestion, type User } from "../api.js";

/** A session just linked by hand: what the confirmation says, and what Undo takes back. */
export interface Linked {
  instanceUuid: string;
  sessionKey: string;
  /** The name the session showed, if any. */
  sessionLabel: string | null;
  externalId: string;
  /** When it was linked: a new link gets a new notice, even for the same session. */
  at: number;
}

const linkPath = (instanceUuid: string, sessionKey: string): string => `/instances/${uuidPath(instanceUuid)}/sessions/${encodeURIComponent(sessionKey)}/link`;

/**
 * Links one unresolved session to a user in two clicks: pick a suggestion (or type an externalId),
 * then "Link". Read-only keys see the controls disabled, with why.
 */
export function LinkControl(props: { session: Session; instanceUuid: string; sessionKey: string; sessionLabel: string | null; suggestions: Suggestion[]; onLinked: (linked: Linked) => void }) {
  const [choice, setChoice] = useState(props.suggestions[0]?.externalId ?? "");
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const readOnly = props.session.scope !== "write";
  const inputId = `link-${props.instanceUuid}-${props.sessionKey}`.replace(/[^A-Za-z0-9_-]/g, "_");

  const link = async (): Promise<void> => {
    setState({ busy: true });
    try {
      const externalId = choice.trim();
      await apiWrite<AttendanceReport>("POST", linkPath(props.instanceUuid, props.sessionKey), { externalId });
      setState({ busy: false });
      props.onLinked({ instanceUuid: props.instanceUuid, sessionKey: props.sessionKey, sessionLabel: props.sessionLabel, externalId, at: Date.now() });
    } catch (e) {
      setState({ busy: false, error: (e as Error).message });
    }
  };

  return (
    <form
      class="link-control"
      onSubmit={(e) => {
        e.preventDefault();
        void link();
      }}
    >
      {props.suggestions.length > 0 && (
        <div class="suggestions" role="group" aria-label="Suggested users">
          {props.suggestions.map((s) => (
            <button type="button" key={s.externalId} class={`chip${choice === s.externalId ? " chosen" : ""}`} aria-pressed={choice === s.externalId} onClick={() => setChoice(s.externalId)} disabled={readOnly}>
              {s.name ? `${s.name} (${s.externalId})` : s.externalId} · {Math.round(s.score * 100)}%
            </button>
          ))}
        </div>
      )}
      <label for={inputId}>User (externalId)</label>
      <input id={inputId} list="known-users" value={choice} onInput={(e) => setChoice(e.currentTarget.value)} disabled={readOnly} required autocomplete="off" />
      <button type="submit" disabled={readOnly || state.busy || choice.trim() === ""}>
        {state.busy ? "Linking…" : "Link"}
      </button>
      {readOnly && <p class="hint">This API key is read-only: sign in with a write key to link.</p>}
      {state.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
    </form>
  );
}

/**
 * The confirmation after a link (the session's card goes away, so the page says what happened
 * where the card was), with Undo.
 */
export function LinkedNotice({ linked, onUndone, onDismiss }: { linked: Linked; onUndone: () => void; onDismiss: () => void }) {
  const [state, setState] = useState<"linked" | "undoing" | "undone" | { error: string }>("linked");
  const who = linked.sessionLabel ? `“${linked.sessionLabel}”` : `session ${linked.sessionKey.slice(0, 8)}…`;
  const undo = async (): Promise<void> => {
    setState("undoing");
    try {
      await apiWrite<AttendanceReport>("DELETE", linkPath(linked.instanceUuid, linked.sessionKey));
      setState("undone");
      onUndone();
    } catch (e) {
      setState({ error: (e as Error).message });
    }
  };
  return (
    <div class="notice" role="status" data-testid="link-notice">
      <p>
        {state === "undone" ? (
          <>The link of {who} to {linked.externalId} was undone.</>
        ) : (
          <>
            Linked {who} to <strong>{linked.externalId}</strong>; the attendance counts it now.
          </>
        )}
      </p>
      {(state === "linked" || state === "undoing") && (
        <button type="button" class="secondary" onClick={() => void undo()} disabled={state === "undoing"}>
          {state === "undoing" ? "Undoing…" : "Undo"}
        </button>
      )}
      <button type="button" class="link-like" onClick={onDismiss}>
        Dismiss
      </button>
      {typeof state === "object" && <p class="error">{state.error}</p>}
    </div>
  );
}

/** The `<datalist>` of known users every link control's input offers. */
export function KnownUsers({ users }: { users: User[] }) {
  return (
    <datalist id="known-users">
      {users.map((u) => (
        <option key={u.externalId} value={u.externalId}>
          {u.name ?? ""}
        </option>
      ))}
    </datalist>
  );
}
