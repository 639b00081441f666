/**
 * Reading attendance: one instance's report (expected attendees, statuses), the per-meeting roll-up,
 * the instance listing and their CSV forms.
 */
export { attendeeFigures, firstJoinSeen, knownJoinAndLeave, liveAttendedMs, shareOfSpan, wholeSeconds, type AttendeeFigures, type StoredAttendance } from "./attendee-figures.js";
export { attendanceStatus, attendanceStatuses, DEFAULT_STATUS_POLICY, isEndedStatus, statusInstanceOf, type AttendanceStatus, type StatusInput, type StatusInstance } from "./status-policy.js";
export { expectedAttendees } from "./expected-attendees.js";
export { absentAttendee, attendanceReport, type AttendanceReport, type AttendanceReportOptions, type AttendeeRow, type AttendeeSource, type ResolvedBy, type UnresolvedRow } from "./attendance-report.js";
export { meetingRollup, type MeetingRollup, type RollupUser } from "./meeting-rollup.js";
export { attendanceCsv, attendanceCsvColumns, rollupCsv } from "./attendance-csv.js";
export { listInstances, instanceCursor, type InstanceCursor, type InstanceSummary, type ListInstancesOptions } from "./list-instances.js";
export { unresolvedReview, type LinkSuggestion, type ReviewSession } from "./unresolved-review.js";
export { userAttendance, type UserAttendance, type UserInstanceAttendance } from "./user-attendance.js";
export { nameSimilarity } from "./name-similarity.js";
export { spreadsheetSafeCell, spreadsheetSafeCsv } from "./spreadsheet-safe-csv.js";
export { instanceTimeline, type InstanceTimeline, type TimelineInterval, type TimelineSession } from "./instance-timeline.js";
export { unresolvedSessions, type UnresolvedSession } from "./unresolved-sessions.js";
export { roomSegments, type RoomSegment } from "./room-segments.js";
export { reviewQueue, type ReviewQueueItem } from "./review-queue.js";
export { instanceCompleteness, listGaps, possiblyIncompleteCondition, type InstanceCompleteness, type InstanceGap, type SubscriptionGap } from "./instance-gaps.js";
