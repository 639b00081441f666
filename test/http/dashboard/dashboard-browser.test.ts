/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against a real
 * service: sign in, find the simulated class, count its timeline rows, link the unresolved student
 * and watch the totals change, download the CSV, watch a live meeting grow, the read-only and
 * CSRF refusals, axe-core on every page, and no console error anywhere. Screenshots of each page go
 * to test-artifacts/dashboard/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { revokeApiKey } from "../../../src/api-keys/index.js";
import { eachDatabase } from "../../support/databases.js";
import { buildWeb, startDashboardRollcall, type DashboardRollcall } from "./support/dashboard-rollcall.js";

const chromiumPath = process.env["ROLLCALL_CHROMIUM"] ?? "/usr/bin/chromium";
const artifacts = fileURLToPath(new URL("../../../test-artifacts/dashboard/", import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// A browser on a shared two-core machine: each step gets room to breathe.
vi.setConfig({ testTimeout: 90_000 });

let browser: Browser;
let webRoot: string;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`chromium not found at ${chromiumPath}: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(artifacts, { recursive: true });
  [webRoot, browser] = await Promise.all([
    buildWeb(),
    chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** expect.poll with room for a loaded machine (pages refresh every few seconds; PostgreSQL is slower to start). */
function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}

/** A page that records every console error and uncaught exception (each fails the test at the end). */
async function openPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return page;
}

/** axe-core on the page as it is; serious and critical violations are returned (expected none). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through DevTools, so the page's CSP (no inline script) stays in force.
  await page.evaluate(axeSource);
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as {
    violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
  };
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * What is wrong with the drawn timeline: a label cut at the edge of the picture, a marker label
 * overlapping a time label, time labels touching, a label drawn smaller than 11 px, rows hidden
 * below the box.
 */
async function timelineProblems(page: Page): Promise<string[]> {
  // A string: evaluated in the page, where the DOM types this file does not compile against exist.
  return page.evaluate(`(() => {
    const problems = [];
    const svg = document.querySelector("svg.timeline");
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) problems.push("cut: " + t.textContent);
      if (r.height < 11) problems.push("small: " + t.textContent + " " + r.height.toFixed(1) + " px");
    }
    const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (const m of svg.querySelectorAll(".marker text")) {
      for (const t of svg.querySelectorAll(".tick text")) if (overlap(m.getBoundingClientRect(), t.getBoundingClientRect())) problems.push("overlap: " + m.textContent + " and " + t.textContent);
    }
    const ticks = [...svg.querySelectorAll(".tick text")].map((t) => t.getBoundingClientRect());
    for (let i = 1; i < ticks.length; i++) if (ticks[i - 1].right + 4 > ticks[i].left) problems.push("time labels touch at " + i);
    const scroller = svg.parentElement;
    const rows = [...svg.querySelectorAll("[data-testid=timeline-row]")];
    const lastRow = rows.length > 0 ? rows[rows.length - 1].getBoundingClientRect() : undefined;
    if (lastRow && !scroller.classList.contains("timeline-scrolls") && lastRow.bottom > scroller.getBoundingClientRect().bottom + 0.5) problems.push("rows hidden below the box");
    return problems;
  })()`);
}

async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel("API key").fill(key);
  await page.getByLabel("API key").press("Enter");
  await page.getByRole("heading", { name: "Meetings", level: 1 }).waitFor();
}

eachDatabase("dashboard in chromium", (database) => {
  let service: DashboardRollcall;
  let context: BrowserContext;
  const problems: string[] = [];
  const shots = (name: string): string => `${artifacts}${database().dialect}-${name}.png`;

  beforeAll(async () => {
    service = await startDashboardRollcall(database().url, webRoot);
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await service?.stop();
  });

  it("shows a sign-in form, refuses a wrong key, and signs in with Enter", async () => {
    const page = await openPage(context, problems);
    const response = await page.goto(`${service.url}/`);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await expect(page.getByLabel("API key").getAttribute("type")).resolves.toBe("password");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: shots("sign-in"), fullPage: true });

    await page.getByLabel("API key").fill("rk_not-a-real-key");
    await page.getByLabel("API key").press("Enter");
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();

    await page.getByLabel("API key").fill(service.writeKey);
    await page.getByLabel("API key").press("Enter");
    await page.getByRole("heading", { name: "Meetings", level: 1 }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "rollcall_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: false });
    expect(session?.value).not.toContain(service.writeKey);
    await page.close();
  });

  it("lists the meetings newest first with counts, marks the live one, filters and searches", async () => {
    const page = await openPage(context, problems);
    await page.goto(`${service.url}/`);
    const rows = page.locator("table.data tbody tr");
    await poll(() => rows.count()).toBe(2);
    // The live meeting started ten minutes ago; the class was in January: live first.
    await expect(rows.nth(0).locator("td").nth(0).textContent()).resolves.toBe("Staff meeting (live)");
    await expect(rows.nth(0).locator(".badge").textContent()).resolves.toBe("live");
    await expect(rows.nth(1).locator("td").nth(0).textContent()).resolves.toBe("Biology 101 – Week 3");
    // Attended 4 (Esi's e-mail is not the one she joined with) and her 2 sessions (two devices) unresolved.
    await expect(rows.nth(1).locator("td").nth(4).textContent()).resolves.toBe("4");
    await expect(rows.nth(1).locator("td").nth(5).textContent()).resolves.toBe("2");
    // Times say their zone.
    await expect(rows.nth(1).locator("td").nth(2).textContent()).resolves.toMatch(/\b(UTC|GMT)\b/);
    // The unresolved count leads to that meeting's sessions, not the global list.
    await expect(rows.nth(1).locator("td").nth(5).locator("a").getAttribute("href")).resolves.toBe(`#/unresolved/${encodeURIComponent(service.classUuid)}`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: shots("meetings"), fullPage: true });

    await page.getByLabel("Topic or meeting number").fill("81234567890");
    await page.getByRole("button", { name: "Filter" }).click();
    await poll(() => rows.count()).toBe(1);
    await page.getByLabel("Topic or meeting number").fill("");
    await page.getByLabel("From").fill("2026-01-01");
    await page.getByLabel("To", { exact: true }).fill("2026-01-31");
    await page.getByRole("button", { name: "Filter" }).click();
    await poll(() => rows.allTextContents()).toEqual([expect.stringContaining("Biology 101")]);
    await page.close();
  });

  it("opens the class: one timeline row per person, the attendance table, the unresolved session", async () => {
    const page = await openPage(context, problems);
    await page.goto(`${service.url}/`);
    await page.getByRole("link", { name: "Biology 101 – Week 3" }).click();
    await page.getByRole("heading", { name: /Biology 101/, level: 1 }).waitFor();
    // Five people in the emulator's ground truth: four resolved users (a row each, whatever their
    // devices and rejoins) and Esi, whose two unresolved sessions are a row each until linked.
    expect(service.classTruth.filter((t) => t.seconds > 0).map((t) => t.user).sort()).toEqual(["student-ana", "student-ben", "student-chloe", "student-esi", "teacher-001"]);
    await poll(() => page.getByTestId("timeline-row").count()).toBe(6);
    await poll(() => page.locator("[data-testid=attendance-table] tbody tr").count()).toBe(4);
    // The heading counts what the meetings list counts.
    await expect(page.getByTestId("attendance-count").textContent()).resolves.toBe("(4 attended)");
    await poll(() => page.getByTestId("unresolved-session").locator("h3").allTextContents()).toEqual(["Esi Mensah", "Esi Mensah"]);
    // Two sessions with one name: their join and leave times tell them apart.
    const times = await page.getByTestId("unresolved-session").locator(".hint").first().textContent();
    expect(times).toMatch(/joined \d\d:\d\d (AM|PM) (UTC|GMT)/);
    expect(times).toMatch(/left \d\d:\d\d (AM|PM) (UTC|GMT)/);
    expect(await timelineProblems(page)).toEqual([]);
    // The scenario's breakout round (Ana, Ben, Chloe, Esi) and Chloe's minute in the waiting room, drawn apart.
    const chloe = page.getByTestId("timeline-row").filter({ hasText: "student-chloe" });
    await expect(chloe.locator("rect.room-waiting").count()).resolves.toBe(1);
    await expect(chloe.locator("rect.room-breakout").count()).resolves.toBe(1);
    await expect(page.locator("rect.room-breakout").count()).resolves.toBeGreaterThanOrEqual(4);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: shots("instance-before-link"), fullPage: true });
    await page.close();
  });

  it("links the unresolved student in two clicks; totals and timeline change at once; the CSV says so", async () => {
    const page = await openPage(context, problems);
    await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.classUuid)}`);
    const cards = page.getByTestId("unresolved-session");
    await poll(() => cards.count()).toBe(2);
    // First session: two clicks (the suggestion, then Link); the totals change at once.
    await cards.first().getByRole("button", { name: /Esi Mensah \(student-esi\)/ }).click();
    await cards.first().getByRole("button", { name: "Link" }).click();
    await poll(() => page.locator("[data-testid=attendance-table] tbody tr").count()).toBe(5);
    await poll(() => cards.count()).toBe(1);
    // The card goes; the page says what happened, and offers to undo it.
    await expect(page.getByTestId("link-notice").textContent()).resolves.toContain("Linked “Esi Mensah” to student-esi");
    await page.getByTestId("link-notice").getByRole("button", { name: "Undo" }).click();
    await poll(() => cards.count()).toBe(2);
    await poll(() => page.getByTestId("link-notice").textContent()).toContain("was undone");
    await cards.first().getByRole("button", { name: /Esi Mensah \(student-esi\)/ }).click();
    await cards.first().getByRole("button", { name: "Link" }).click();
    await poll(() => cards.count()).toBe(1);
    await poll(() => page.getByTestId("link-notice").textContent()).toContain("Linked “Esi Mensah” to student-esi");
    await cards.first().getByRole("button", { name: /Esi Mensah \(student-esi\)/ }).click();
    await cards.first().getByRole("button", { name: "Link" }).click();
    await poll(() => page.getByTestId("unresolved-count").textContent()).toBe("(0)");
    await poll(() => page.getByTestId("timeline-row").count()).toBe(5);
    const esi = page.locator("[data-testid=attendance-table] tbody tr", { hasText: "student-esi" });
    const truth = service.classTruth.find((t) => t.user === "student-esi")!;
    await expect(esi.locator("td").nth(2).textContent()).resolves.toBe(`${Math.round(truth.seconds / 60)} min`);
    await expect(esi.locator("td").nth(4).textContent()).resolves.toBe("manual");
    await page.screenshot({ path: shots("instance-after-link"), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^attendance-81234567890-2026-01-12\.csv$/);
    const rows = parse(readFileSync((await download.path())!, "utf8"), { columns: true }) as Array<Record<string, string>>;
    const attendees = rows.filter((r) => r["kind"] === "attendee");
    expect(attendees.map((r) => r["externalId"]).sort()).toEqual(["student-ana", "student-ben", "student-chloe", "student-esi", "teacher-001"]);
    expect(attendees.find((r) => r["externalId"] === "student-esi")).toMatchObject({ resolvedBy: "manual", attendedSeconds: String(truth.seconds) });
    expect(rows.filter((r) => r["kind"] === "unresolved")).toEqual([]);
    await page.close();
  });

  it("shows the unresolved queue across meetings and one user's attendance over time", async () => {
    const page = await openPage(context, problems);
    await page.goto(`${service.url}/#/unresolved`);
    await page.getByRole("heading", { name: "Unresolved sessions", level: 1 }).waitFor();
    const items = page.getByTestId("queue-item");
    await poll(() => items.count()).toBe(1);
    await expect(items.first().textContent()).resolves.toContain("Staff meeting (live)");
    await expect(items.first().textContent()).resolves.toMatch(/joined \d\d:\d\d .* still here/);
    // One meeting's sessions (the class has none left after the links above).
    await page.goto(`${service.url}/#/unresolved/${encodeURIComponent(service.classUuid)}`);
    await page.getByRole("heading", { name: "Nothing to review" }).waitFor();
    await page.goto(`${service.url}/#/unresolved`);
    await poll(() => items.count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: shots("unresolved"), fullPage: true });

    await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.classUuid)}`);
    await page.getByRole("link", { name: "student-esi" }).click();
    await page.getByRole("heading", { name: /student-esi/, level: 1 }).waitFor();
    await poll(() => page.locator("svg.user-chart rect.bar").count()).toBe(1);
    await poll(() => page.locator("table.data tbody tr").count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: shots("user"), fullPage: true });
    await page.close();
  });

  it("grows a live meeting's timeline from its live stream as people join, moving what is below by the new row only", async () => {
    const page = await openPage(context, problems);
    await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.liveUuid)}`);
    await poll(() => page.getByTestId("timeline-row").count()).toBe(3);
    await expect(page.locator(".badge").first().textContent()).resolves.toBe("live");
    // Live attendance says so: in the meeting, never absent.
    await poll(() => page.locator("[data-testid=attendance-table] tbody tr td:nth-child(2)").allTextContents()).toEqual(["in meeting", "in meeting"]);
    // Updates come from the live stream, not from polling: idle, the page asks for nothing.
    const asked: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/") && !request.url().endsWith("/live")) asked.push(request.url());
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(asked).toEqual([]);
    const before = await page.locator("#attendance-title").boundingBox();
    const barWidth = async (): Promise<number> => Number(await page.getByTestId("timeline-row").nth(0).locator("rect").first().getAttribute("width"));
    const widthBefore = await barWidth();

    await service.post(service.liveMeeting.joined({ user_id: "16778243", participant_uuid: "7A1B2C3D-0000-4000-8000-000000000004", user_name: "Ben Okafor", email: "ben.okafor@example.com", id: "" }, Date.now()));
    await service.settle();
    await poll(() => page.getByTestId("timeline-row").count()).toBe(4);
    await poll(() => page.locator("[data-testid=attendance-table] tbody tr").count()).toBe(3);
    expect(asked.length).toBeGreaterThan(0); // reloaded on the stream's events
    // One row more pushes what is below the timeline down by one row, no more.
    expect((await page.locator("#attendance-title").boundingBox())!.y - before!.y).toBeLessThanOrEqual(26);
    await poll(barWidth).toBeGreaterThan(widthBefore);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: shots("instance-live"), fullPage: true });
    await page.close();
  });

  it("at 800 px wide, in another time zone: labels keep their size, nothing is cut or overlaps, times say their zone", async () => {
    const narrow = await browser.newContext({ viewport: { width: 800, height: 900 }, timezoneId: "Europe/Berlin" });
    try {
      const page = await openPage(narrow, problems);
      await signIn(page, service.url, service.writeKey);
      await expect(page.locator("table.data tbody tr").nth(1).locator("td").nth(2).textContent()).resolves.toContain("GMT+1");
      await page.screenshot({ path: shots("meetings-800"), fullPage: true });
      await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.classUuid)}`);
      await poll(() => page.getByTestId("timeline-row").count()).toBe(5);
      expect(await timelineProblems(page)).toEqual([]);
      await expect(page.locator(".timeline-caption").textContent()).resolves.toContain("Europe/Berlin (GMT+1)");
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: shots("instance-800"), fullPage: true });
      await page.goto(`${service.url}/#/unresolved`);
      await poll(() => page.getByTestId("queue-item").count()).toBe(1);
      await page.screenshot({ path: shots("unresolved-800"), fullPage: true });
    } finally {
      await narrow.close();
    }
  });

  it("says a live meeting overlapped by a WebSocket gap may be incomplete, in the list and on its page", async () => {
    const db = service.rollcall.store.db;
    const live = await db.selectFrom("instances").select("account_id").where("instance_uuid", "=", service.liveUuid).executeTakeFirstOrThrow();
    await db.insertInto("websocket_gaps").values({ subscription_id: "dashboard-subscription", account_id: live.account_id, started_at: Date.now() - 60_000, ended_at: Date.now() - 30_000, reason: "disconnected (code 1006)" }).execute();
    try {
      const page = await openPage(context, problems);
      await page.goto(`${service.url}/`);
      const liveRow = page.locator("tr", { hasText: "Staff meeting (live)" });
      await expect(liveRow.locator(".badge-incomplete").textContent()).resolves.toBe("may be incomplete");
      await expect(page.locator("tr", { hasText: "Biology 101" }).locator(".badge-incomplete").count()).resolves.toBe(0);
      await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.liveUuid)}`);
      await expect(page.getByTestId("incomplete-notice").textContent()).resolves.toMatch(/Attendance may be incomplete\..*finalized/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.classUuid)}`);
      await poll(() => page.getByTestId("attendance-count").count()).toBe(1);
      // A hash change re-renders in place: the live page's notice goes once the class has loaded.
      await poll(() => page.getByTestId("incomplete-notice").count()).toBe(0);
      await page.close();
    } finally {
      await db.deleteFrom("websocket_gaps").where("subscription_id", "=", "dashboard-subscription").execute();
    }
  });

  it("lets a read-only key look but not link; refuses a write without the CSRF token; signs out; a revoked key's session ends", async () => {
    const readContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await openPage(readContext, problems);
    await signIn(page, service.url, service.readKey);
    await page.goto(`${service.url}/#/instance/${encodeURIComponent(service.liveUuid)}`);
    const card = page.getByTestId("unresolved-session");
    await card.waitFor();
    await expect(card.getByRole("button", { name: "Link" }).isDisabled()).resolves.toBe(true);
    await expect(card.textContent()).resolves.toContain("read-only");
    // Even a hand-made request with a valid CSRF token is refused for a read key.
    const readWrite = await page.evaluate(async (uuid) => {
      const session = (await (await fetch("/dashboard/api/session")).json()) as { csrfToken: string };
      const response = await fetch(`/api/v1/instances/${encodeURIComponent(uuid)}/sessions/7A1B2C3D-0000-4000-8000-000000000003/link`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
        body: JSON.stringify({ externalId: "student-ana" }),
      });
      return response.status;
    }, service.liveUuid);
    expect(readWrite).toBe(403);

    // A write key's session without the CSRF header: 403 before anything happens.
    const writePage = await openPage(context, problems);
    await writePage.goto(`${service.url}/`);
    const noCsrf = await writePage.evaluate(async (uuid) => {
      const response = await fetch(`/api/v1/instances/${encodeURIComponent(uuid)}/sessions/7A1B2C3D-0000-4000-8000-000000000003/link`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ externalId: "student-ana" }),
      });
      return { status: response.status, field: ((await response.json()) as { error: { message: string } }).error.message.split(":")[0] };
    }, service.liveUuid);
    expect(noCsrf).toEqual({ status: 403, field: "x-csrf-token" });
    expect(await service.rollcall.store.db.selectFrom("directory_links").select("id").where("method", "=", "manual").execute()).toHaveLength(2);

    // Sign out: back to the form, and the data routes answer 401.
    await writePage.getByRole("button", { name: "Sign out" }).click();
    await writePage.getByLabel("API key").waitFor();
    expect((await writePage.request.get(`${service.url}/dashboard/api/session`)).status()).toBe(401);
    expect((await writePage.request.get(`${service.url}/api/v1/instances`)).status()).toBe(401);
    await writePage.close();

    // Revoking the read key ends its session at the next request.
    const readKeyId = (await service.rollcall.store.db.selectFrom("api_keys").select("id").where("name", "=", "observer").executeTakeFirstOrThrow()).id;
    await revokeApiKey(service.rollcall.store.db, Number(readKeyId));
    expect((await page.request.get(`${service.url}/dashboard/api/session`)).status()).toBe(401);
    // The open page may notice the ended session first and go to the sign-in form on its own,
    // which interrupts this navigation; either way the sign-in form must be what it shows.
    await page.goto(`${service.url}/`).catch((error: Error) => {
      if (!/interrupted by another navigation/.test(error.message)) throw error;
    });
    await page.getByLabel("API key").waitFor();
    await readContext.close();
  });

  it("logged no console error and no page error", () => {
    // 401s and 403s provoked on purpose above are answers to fetch(), not console errors.
    expect(problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
  });
});

describe("dashboard empty state", () => {
  it("tells a newcomer where to point Zoom and how to simulate a meeting", async () => {
    const { startEmptyRollcall } = await import("./support/dashboard-rollcall.js");
    const service = await startEmptyRollcall(webRoot);
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const problems: string[] = [];
    try {
      const page = await openPage(context, problems);
      await signIn(page, service.url, service.writeKey);
      await page.getByRole("heading", { name: "No meetings yet" }).waitFor();
      await expect(page.locator(".empty").textContent()).resolves.toContain(`${service.url}/webhooks/zoom`);
      await expect(page.locator(".empty").textContent()).resolves.toContain("rollcall simulate");
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `${artifacts}empty-meetings.png`, fullPage: true });
      await page.goto(`${service.url}/#/unresolved`);
      await page.getByRole("heading", { name: "Nothing to review" }).waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await service.stop();
    }
  });
});
