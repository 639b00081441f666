/**
 * Turns a verified body into the text the inbox keeps. The privacy modes (`ROLLCALL_PRIVACY=hash|drop`)
 * supply one that strips names and e-mails; it runs after the signature check, so verification
 * always sees Zoom's exact bytes. Without one the raw body is stored unchanged.
 */
export type PrepareBodyForStorage = (rawBody: string, parsed: unknown) => string;
