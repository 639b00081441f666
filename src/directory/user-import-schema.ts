import * as z from "zod";

const identifier = z.string({ error: "expected a non-empty string" }).trim().min(1, { error: "expected a non-empty string" });

/** Zoom meeting numbers are 9–12 digits (a string, or a number in JSON). */
const meetingNumber = z
  .union([z.string(), z.number()], { error: "expected a meeting number" })
  .transform((v) => String(v).replace(/\s/g, ""))
  .refine((v) => /^\d{9,12}$/.test(v), { error: "expected a meeting number (9 to 12 digits)" });

const identifiers = z.array(identifier, { error: "expected an array of strings" });

const email = z.email({ error: "expected an e-mail address" });
const name = z.string({ error: "expected a string" }).trim().min(1, { error: "expected a non-empty string" });

/** The identifier lists of a user, each optional: what an import row sets and what a PATCH adds or removes. */
export const userLinkListsSchema = z.strictObject(
  {
    zoomUserIds: identifiers.optional(),
    customerKeys: identifiers.optional(),
    nameTokens: identifiers.optional(),
    registrants: z
      .array(z.strictObject({ meetingId: meetingNumber, registrantId: identifier }, { error: "expected {meetingId, registrantId}" }), {
        error: "expected an array of {meetingId, registrantId}",
      })
      .optional(),
  },
  { error: "expected an object {zoomUserIds?, customerKeys?, nameTokens?, registrants?}" },
);

export type UserLinkLists = z.output<typeof userLinkListsSchema>;

/** One row of `rollcall users import`: a user and what recognises them in Zoom. */
export const userImportRowSchema = z.strictObject(
  {
    externalId: identifier,
    email: email.optional(),
    name: name.optional(),
    ...userLinkListsSchema.shape,
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
  const validator = new RowValidator(label);
  rows.forEach((row, index) => validator.add(row, index));
  return validator.finish();
}

/** Rows validated between turns of the event loop. */
const rowsPerSlice = 2_000;

/**
 * {@link validateUserRows} for a server: a slice of rows at a time, letting other requests in
 * between (validating 100,000 rows takes a second or more).
 */
export async function validateUserRowsInSlices(rows: readonly unknown[], label: string): Promise<UserImportRow[]> {
  const validator = new RowValidator(label);
  for (let start = 0; start < rows.length; start += rowsPerSlice) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (let index = start; index < Math.min(rows.length, start + rowsPerSlice); index++) validator.add(rows[index], index);
  }
  return validator.finish();
}

/** Collects valid rows and every issue (duplicate `externalId`s included). */
class RowValidator {
  private readonly issues: string[] = [];
  private readonly valid: UserImportRow[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly label: string) {}

  add(row: unknown, index: number): void {
    const parsed = userImportRowSchema.safeParse(row);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) this.issues.push(`${this.label}[${index}]${issue.path.map(pathPart).join("")}: ${messageOf(issue)}`);
      return;
    }
    const first = this.seen.get(parsed.data.externalId);
    if (first !== undefined) this.issues.push(`${this.label}[${index}].externalId: duplicate of ${this.label}[${first}].externalId`);
    else this.seen.set(parsed.data.externalId, index);
    this.valid.push(parsed.data);
  }

  finish(): UserImportRow[] {
    if (this.issues.length > 0) throw new UserImportError(this.issues);
    return this.valid;
  }
}

function pathPart(part: PropertyKey): string {
  return typeof part === "number" ? `[${part}]` : `.${String(part)}`;
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
  return issue.message;
}

/**
 * A merge of changes into one user (`PATCH /api/v1/users/{externalId}`): `email` and `name` set when
 * given (null clears), kept when absent; `add` and `remove` change identifier lists without
 * restating them. One value cannot be both added and removed.
 */
export const userPatchSchema = z
  .strictObject(
    { email: email.nullable().optional(), name: name.nullable().optional(), add: userLinkListsSchema.optional(), remove: userLinkListsSchema.optional() },
    { error: "expected an object {email?, name?, add?, remove?}" },
  )
  .superRefine((patch, ctx) => {
    for (const [list, values] of Object.entries(patch.remove ?? {}) as Array<[keyof UserLinkLists, unknown[]]>) {
      const added = new Set((patch.add?.[list] ?? []).map((v) => JSON.stringify(v)));
      values.forEach((v, i) => {
        if (added.has(JSON.stringify(v))) ctx.addIssue({ code: "custom", path: ["remove", list, i], message: `also in add.${list}: a value is added or removed, not both` });
      });
    }
  });

export type UserPatch = z.output<typeof userPatchSchema>;
