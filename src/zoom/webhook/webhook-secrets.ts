/** One secret Rollcall accepts signatures from, and which Zoom app it belongs to. */
export interface WebhookSecret {
  /** The Zoom app (`default` for `ZOOM_WEBHOOK_SECRET_TOKEN`, else the name in `zoomApps`). */
  app: string;
  /** Position among that app's secrets (0 = first); tells a rotation's old and new secret apart. */
  index: number;
  secret: string;
}

/** The config fields that name webhook secrets. */
export interface WebhookSecretSource {
  webhookSecrets: readonly string[];
  zoomApps: ReadonlyArray<{ name: string; secretTokens: readonly string[] }>;
}

/** Name of the app whose secrets come from `ZOOM_WEBHOOK_SECRET_TOKEN` (or the generated secret). */
export const defaultZoomApp = "default";

/**
 * Every secret a signature may be valid under: the default app's (`ZOOM_WEBHOOK_SECRET_TOKEN`,
 * several while rotating) and each configured Zoom app's. Throws when there is none, since then no
 * delivery could ever be accepted.
 */
export function webhookSecretsFrom(source: WebhookSecretSource): WebhookSecret[] {
  const secrets: WebhookSecret[] = source.webhookSecrets.map((secret, index) => ({ app: defaultZoomApp, index, secret }));
  for (const app of source.zoomApps) {
    app.secretTokens.forEach((secret, index) => secrets.push({ app: app.name, index, secret }));
  }
  if (secrets.length === 0) throw new Error("ZOOM_WEBHOOK_SECRET_TOKEN: expected at least one webhook secret");
  return secrets;
}
