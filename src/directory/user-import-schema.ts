import * as z from "zod";

const identifier = z.string({ error: "expected a non-empty string" }).trim().min(1, { error: "expected a non-empty string" });

/** Zoom meeting numbers are 9–12 digits (a string, or a number in JSON). */
const meetingNumber = z
  .union([z.string(), z.number()], { error: "expected a meeting number" })
  .transform((v) => String(v).replace(/\s/g, ""))
  .refine((v) => /^\d{9,12}$/.test(v), { error: "expected a meeting number (9 to 12 digits)" });

const identifiers = z.array(identifier, { error: "expected an array of strings" });

/** One row of `rollcall users import`: a user and what recognises them in Zoom. */
export const userImportRowSchema = z.strictObject(
  {
    externalId: identifier,
    email: z.email({ error: "expected an e-mail address" }).optional(),
    name: z.string({ error: "expected a string" }).trim().min(1, { error: "expected a non-empty string" }).optional(),
    zoomUserIds: identifiers.optional(),
    customerKeys: identifiers.optional(),
    nameTokens: identifiers.optional(),
    registrants: z
      .array(z.strictObject({ meetingId: meetingNumber, registrantId: identifier }, { error: "expected {meetingId, registrantId}" }), {
        error: "expected an array of {meetingId, registrantId}",
      })
      .optional(),
  },
  { error: "expected an object {externalId, email?, name?, zoomUserIds?, customerKeys?, nameTokens?, registrants?}" },
);

export type UserImportRow = z.output<typeof userImportRowSchema>;

/** Every problem of an import file, each naming the row and field, e.g. `users.json[3].email: expected an e-mail address`. */
export class UserImportError extends Error {
  override name = "UserImportError";
  constructor(readonly issues: string[]) {
    super(`${issues.length} problem${issues.length === 1 ? "" : "s"} in the user file:\n${issues.join("\n")}`);
  }
}

/**
 * Validates parsed rows, reporting every bad row and field (not just the first) and duplicate
 * `externalId`s. `label` names the file in messages.
 * Throws {@link UserImportError} listing them.
 */
export function validateUserRows(rows: unknown, label: string): UserImportRow[] {
  if (!Array.isArray(rows)) throw new UserImportError([`${label}: expected an array of users`]);
  const issues: string[] = [];
  const valid: UserImportRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const parsed = userImportRowSchema.safeParse(row);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push(`${label}[${index}]${issue.path.map(pathPart).join("")}: ${messageOf(issue)}`);
      return;
    }
    const first = seen.get(parsed.data.externalId);
    if (first !== undefined) issues.push(`${label}[${index}].externalId: duplicate of ${label}[${first}].externalId`);
    else seen.set(parsed.data.externalId, index);
    valid.push(parsed.data);
  });
  if (issues.length > 0) throw new UserImportError(issues);
  return valid;
}

function pathPart(part: PropertyKey): string {
  return typeof part === "number" ? `[${part}]` : `.${String(part)}`;
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
  return issue.message;
}
