// Every page passes axe-core's WCAG 2.1 AA rules, in both themes, on desktop
// and on a phone; screenshots are kept in end2end/artifacts.
import { test } from "node:test";
import { DESKTOP, PHONE, assertAccessible, hydrated, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();

const PUBLIC = ["/login", "/signup", "/auth/forgot", "/auth/verify/un-lien-de-confirmation", "/confidentialite"];
const OWNER = [
  "/app",
  "/app/members",
  "/app/audit",
  "/app/outbox",
  "/app/security",
  "/app/settings",
  "/app/more",
  "/app/quotes",
  "/app/quotes/new",
  "/app/quotes/settings",
  "/app/invoices",
  "/app/accounting",
  "/app/einvoicing",
  "/app/dashboard",
  "/app/jobs",
  "/app/jobs?periode=tout",
  "/app/jobs/settings",
];
const COACH = ["/app/dashboard", "/app/dashboard?period=all", "/app/dashboard/settings"];

/** Waits until the page is complete. Dashboards keep a live connection open
 * (server-sent events), so "network idle" never comes: wait for their tiles
 * and the server's chart drawings instead. */
async function settle(page, path) {
  if (path.startsWith("/app/dashboard") && !path.includes("settings")) {
    await page.locator("[data-testid=kpi]").first().waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=chart]")].every((c) => c.querySelector(":scope > svg")),
    );
  } else {
    await page.waitForLoadState("networkidle");
  }
}

for (const [device, label] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
  test(`${label}: public pages are accessible`, async () => {
    const page = await newPage(env.browser, device);
    for (const path of PUBLIC) {
      await visit(page, `${env.server.base}${path}`);
      await assertAccessible(page, `${label} ${path}`);
      await shot(page, `${label}${path.replaceAll("/", "-")}`);
    }
    await page.context().close();
  });

  test(`${label}: signed-in pages are accessible in the dark and light themes`, async () => {
    const page = await newPage(env.browser, device);
    await signIn(page, env.server.base, "artisan@comptoir.test");
    for (const theme of ["dark", "light"]) {
      await page.context().addCookies([{ name: "comptoir_theme", value: theme, url: env.server.base }]);
      for (const path of OWNER) {
        await visit(page, `${env.server.base}${path}`);
        await settle(page, path);
        await assertAccessible(page, `${label} ${theme} ${path}`);
        await shot(page, `${label}-${theme}${path.replaceAll("/", "-")}`);
      }
    }
    await page.context().close();
  });

  test(`${label}: the coach dashboard is accessible in the dark and light themes`, async () => {
    const page = await newPage(env.browser, device);
    await signIn(page, env.server.base, "coach@comptoir.test");
    for (const theme of ["dark", "light"]) {
      await page.context().addCookies([{ name: "comptoir_theme", value: theme, url: env.server.base }]);
      for (const path of COACH) {
        await visit(page, `${env.server.base}${path}`);
        await settle(page, path);
        await assertAccessible(page, `${label} ${theme} coach ${path}`);
        await shot(page, `${label}-${theme}-coach${path.replaceAll("/", "-").replace("?", "-")}`);
      }
    }
    await page.context().close();
  });
}

test("platform admin pages are accessible", async () => {
  for (const [device, label] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
    const page = await newPage(env.browser, device);
    await signIn(page, env.server.base, "admin@comptoir.test");
    await visit(page, `${env.server.base}/admin`);
    await page.locator("[data-testid=admin-workspaces]").waitFor();
    await assertAccessible(page, `${label} admin`);
    await shot(page, `${label}-admin`);
    for (const path of ["/admin/leads", "/admin/map", "/admin/artisans"]) {
      await visit(page, `${env.server.base}${path}`);
      await page.waitForLoadState("networkidle");
      await assertAccessible(page, `${label} ${path}`);
      await shot(page, `${label}${path.replaceAll("/", "-")}`);
    }
    await page.context().close();
  }
});
