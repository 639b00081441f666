import { render } from "preact";
import { useEffect } from "preact/hooks";
import { getSession, rememberCsrfToken } from "./api.js";
import { InstancePage } from "./pages/instance-page.js";
import { MeetingsPage } from "./pages/meetings-page.js";
import { UnresolvedPage } from "./pages/unresolved-page.js";
import { UserPage } from "./pages/user-page.js";
import { useData, useHashRoute } from "./use-data.js";
import "./styles.css";

function App() {
  const session = useData(getSession, "session");
  const route = useHashRoute();
  if (session.data) rememberCsrfToken(session.data.csrfToken);

  const [page, arg] = route;
  const title = page === "instance" ? "Meeting" : page === "unresolved" ? "Unresolved" : page === "user" ? "User" : "Meetings";
  useEffect(() => {
    document.title = `${title} · Rollcall`;
  }, [title]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Rollcall
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={page === undefined || page === "meetings" ? "page" : undefined}>
            Meetings
          </a>
          <a href="#/unresolved" aria-current={page === "unresolved" ? "page" : undefined}>
            Unresolved
          </a>
        </nav>
        <div class="who">
          {session.data && (
            <>
              <span>
                {session.data.name} <span class="scope">({session.data.scope === "read" ? "read-only" : "can edit"})</span>
              </span>
              <form method="post" action="/dashboard/sign-out">
                <input type="hidden" name="_csrf" value={session.data.csrfToken} />
                <button type="submit" class="link-button">
                  Sign out
                </button>
              </form>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session.error && <p role="alert">Could not load the session: {session.error}</p>}
        {session.data &&
          (page === "instance" && arg ? (
            <InstancePage uuid={arg} session={session.data} />
          ) : page === "unresolved" ? (
            <UnresolvedPage session={session.data} {...(arg !== undefined ? { instanceUuid: arg } : {})} />
          ) : page === "user" && arg ? (
            <UserPage externalId={arg} />
          ) : (
            <MeetingsPage session={session.data} />
          ))}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
