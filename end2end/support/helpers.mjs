// Shared steps of the end-to-end tests.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { after, afterEach, before } from "node:test";
import { chromium } from "playwright-core";
import { launchOptions } from "./browser.mjs";
import { startServer } from "./server.mjs";

export const PASSWORD = "Comptoir-Demo-2026";
export const ARTIFACTS = resolve(import.meta.dirname, "../artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

export const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" };
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "fr-FR",
  timezoneId: "Europe/Paris",
};

export async function launch() {
  return chromium.launch(launchOptions());
}

/** Pages opened by the running test: their errors are checked after it. */
const opened = [];

/** A new page whose console errors and page errors fail the test (checked after every test). */
export async function newPage(browser, device = DESKTOP) {
  const context = await browser.newContext(device);
  const page = await context.newPage();
  opened.push(page);
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
  });
  return page;
}

export async function hydrated(page) {
  await page.waitForSelector("body[data-hydrated=true]", { timeout: 20_000 });
}

export async function visit(page, url) {
  await page.goto(url);
  await hydrated(page);
}

export async function signIn(page, base, email, password = PASSWORD) {
  await visit(page, `${base}/login`);
  await page.fill("#f-email", email);
  await page.fill("#f-password", password);
  await page.click("[data-testid=sign-in]");
  await page.waitForURL(/\/(app|admin)(\/|$)/);
  await hydrated(page);
}

/** A screenshot of the whole page, or of the viewport (`{ fullPage: false }`: dialogs). */
export async function shot(page, name, { fullPage = true } = {}) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage });
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core with the WCAG 2.0/2.1 A and AA rules; fails on any violation. */
export async function assertAccessible(page, label) {
  // Injected through the DevTools protocol: the page's Content-Security-Policy
  // (no inline script without the page's nonce) rightly refuses a script tag.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const summary = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`,
  );
  assert.deepEqual(summary, [], `axe violations on ${label}`);
}

/** Opens the latest outbox message to `to` as a platform admin; returns its links. */
export async function linksInOutbox(browser, base, to) {
  const page = await newPage(browser);
  await signIn(page, base, "admin@comptoir.test");
  for (let i = 0; i < 40; i++) {
    await visit(page, `${base}/app/outbox?q=${encodeURIComponent(to)}`);
    const row = page.locator(`[data-testid=outbox-row][data-to="${to}"] a`).first();
    if (await row.count()) {
      await row.click();
      await page.waitForSelector("[data-testid=email-body]");
      const links = await page.locator("[data-testid=email-link]").evaluateAll((as) => as.map((a) => a.href));
      await page.context().close();
      return links;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no message to ${to} in the outbox`);
}

/**
 * Starts a server and a browser before the file's tests and stops them after;
 * after every test, fails if any page it opened logged an error (console
 * errors, uncaught exceptions, CSP violations).
 */
export function serverAndBrowser() {
  const env = {};
  afterEach(() => {
    const errors = opened.splice(0).flatMap((p) => p.errors.map((e) => `${p.url()}: ${e}`));
    assert.deepEqual(errors, [], "console errors on a page");
  });
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
