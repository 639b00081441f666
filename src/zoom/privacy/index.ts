/** Privacy modes (`ROLLCALL_PRIVACY=store|hash|drop`) applied to Zoom bodies and the app's users. */
export { privacySettingsFromConfig, requireHashKey, type PrivacySettings } from "./privacy-settings.js";
export { protectEmail, protectName, hashPhoneNumber } from "./protect-identifier.js";
export { stripZoomBody } from "./strip-zoom-body.js";
export { createBodyPreparer, normaliseOptionsForStoredBody, STRIPPED_MARKER, type BodyPreparer } from "./body-preparer.js";
