/** The kinds of join link Rollcall issues. */
export type JoinLinkKind = "registrant" | "sdk" | "name-token";
export const joinLinkKinds: readonly JoinLinkKind[] = ["registrant", "sdk", "name-token"];
