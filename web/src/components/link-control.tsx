import { useState } from "preact/hooks";
import { postJson, type Session, type Suggestion } from "../api.js";

/**
 * Links one unresolved session to a user in two clicks: pick a suggestion (or type an externalId),
 * then "Link". Read-only keys see the controls disabled, with why.
 */
export function LinkControl(props: { session: Session; instanceUuid: string; sessionKey: string; suggestions: Suggestion[]; onLinked: () => void }) {
  const [choice, setChoice] = useState(props.suggestions[0]?.externalId ?? "");
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const readOnly = props.session.scope !== "write";
  const inputId = `link-${props.instanceUuid}-${props.sessionKey}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const listId = "known-users";

  const link = async (): Promise<void> => {
    setState({ busy: true });
    try {
      await postJson("link", { instanceUuid: props.instanceUuid, sessionKey: props.sessionKey, externalId: choice });
      setState({ busy: false });
      props.onLinked();
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
      <input id={inputId} list={listId} value={choice} onInput={(e) => setChoice(e.currentTarget.value)} disabled={readOnly} required autocomplete="off" />
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

/** The `<datalist>` of known users every link control's input offers. */
export function KnownUsers({ users }: { users: Array<{ externalId: string; name: string | null }> }) {
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
