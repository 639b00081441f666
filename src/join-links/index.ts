/** Join links: the means by which Rollcall recognises an app user in a Zoom meeting. */
export { type AppUser, type JoinLink, JoinLinkError } from "./app-user.js";
export { issueRegistrantLink, issueRegistrantLinks, type RegistrantJoinLink, type RegistrantLinkOptions } from "./registrant-links.js";
export { issueSdkJoin, CUSTOMER_KEY_LENGTH, MAX_CUSTOMER_KEY_LENGTH, type SdkJoinBundle, type SdkJoinLink, type SdkJoinOptions } from "./sdk-links.js";
export { issueNameToken, NameTokenRefusedError, DEFAULT_NAME_TOKEN_PATTERN, NAME_TOKEN_LENGTH, type NameTokenLink, type PrivacyMode } from "./name-token-links.js";
export { issueJoinLinks, joinLinkKinds, type IssuedJoinLink, type IssueJoinLinksRequest, type JoinLinkKind } from "./issue-join-links.js";
export { signHostedJoinToken, verifyHostedJoinToken, HostedJoinTokenError, type HostedJoin } from "./hosted-join-token.js";
