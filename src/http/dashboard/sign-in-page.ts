/**
 * The dashboard's sign-in page: one password field for an API key, a hidden CSRF token. Served
 * by the server (not the front-end bundle) so it works before any script loads.
 */
export function signInPage(options: { csrfToken: string; error?: string }): string {
  const error = options.error
    ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(options.error)}</p>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Sign in · Rollcall</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1a1d21; }
  main { max-width: 26rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { margin-top: 0; font-size: 1.5rem; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  input[type=password] { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; border: 1px solid #6b7280; border-radius: 4px; }
  button { margin-top: 1rem; font: inherit; padding: .5rem 1.25rem; border: 0; border-radius: 4px; background: #1d4ed8; color: #fff; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .error { color: #b91c1c; font-weight: 600; }
  .hint { color: #4b5563; font-size: .9rem; }
  code { background: #eef0f3; padding: 0 .25rem; border-radius: 3px; }
</style>
</head>
<body>
<main>
  <h1>Rollcall</h1>
  <form method="post" action="/dashboard/sign-in">
    <input type="hidden" name="_csrf" value="${escapeHtml(options.csrfToken)}">
    <label for="api-key">API key</label>
    <input id="api-key" name="apiKey" type="password" autocomplete="current-password" required autofocus aria-describedby="api-key-hint${options.error ? " sign-in-error" : ""}">
    ${error}
    <p class="hint" id="api-key-hint">Create one with <code>rollcall keys create --name dashboard</code> (add <code>--scope read</code> for a key that can look but not change anything).</p>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
`;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
