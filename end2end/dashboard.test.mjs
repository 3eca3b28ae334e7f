// The coach dashboard: the demo coach sees non-empty KPIs and drawn charts;
// an event posted to the setter feed with a key created in the settings page
// changes the tiles without reload; the phone layout; the admin creates a
// coach who signs in with the emailed magic link and finds an empty dashboard.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, PHONE, assertAccessible, hydrated, linksInOutbox, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const COACH = "coach@comptoir.test";

async function kpi(page, key) {
  const raw = await page.locator(`[data-testid=kpi][data-kpi=${key}]`).getAttribute("data-value");
  return raw === "" ? null : Number(raw);
}

/** Every chart is drawn by the server (SVG) at first paint, without the chart library. */
async function chartsDrawn(page) {
  await page.waitForFunction(() => {
    const charts = [...document.querySelectorAll("[data-testid=chart]")];
    return charts.length >= 7 && charts.every((c) => c.querySelector(":scope > svg :is(rect, path, circle)"));
  }, null, { timeout: 20_000 });
  assert.equal(await page.locator("#charts-bundle").count(), 0, "no chart library before a chart is pointed at");
}

/** Pointing at (or touching) a chart loads ECharts, which redraws it interactively. */
async function chartGoesInteractive(page, how) {
  const chart = page.locator("[data-testid=chart]").first();
  await (how === "tap" ? chart.tap() : chart.hover());
  await page.waitForFunction(() => {
    const c = document.querySelector("[data-testid=chart]");
    return c.dataset.rendered === "true" && c.querySelector("canvas") && !c.querySelector(":scope > svg");
  }, null, { timeout: 20_000 });
}

test("the coach sees 35 KPIs and charts, and a posted event updates the tiles live", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, COACH);

  // A key for n8n, created in the settings page (its secret shown once).
  await visit(page, `${env.server.base}/app/dashboard/settings`);
  await page.fill("#f-name", "n8n production");
  await page.click("[data-testid=create-api-key]");
  const secret = (await page.locator("[data-testid=api-key-secret]").textContent()).trim();
  assert.match(secret, /^cpt_/);
  await page.locator("[data-testid=api-keys] li", { hasText: "n8n production" }).waitFor();
  await assertAccessible(page, "dashboard settings");
  await shot(page, "dashboard-settings-desktop");

  await visit(page, `${env.server.base}/app/dashboard?period=30`);
  assert.equal(await page.locator("[data-testid=coach-pack] [data-testid=kpi]").count(), 35);
  assert.equal(await page.locator("[data-testid=owner-pack] [data-testid=kpi]").count(), 6);
  const leads = await kpi(page, "total_leads");
  const today = await kpi(page, "leads_today");
  assert.ok(leads > 0, `demo leads: ${leads}`);
  assert.ok((await kpi(page, "messages_sent")) > 0);
  assert.ok((await kpi(page, "response_rate_msg1")) > 0);
  await chartsDrawn(page);
  await assertAccessible(page, "dashboard");
  await shot(page, "dashboard-desktop");
  await chartGoesInteractive(page, "hover");

  // n8n posts a new prospect and its first message: the tiles change without reload.
  const now = new Date().toISOString();
  const response = await fetch(`${env.server.base}/api/v1/setter/events`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({
      events: [
        { type: "lead_upserted", instagram_id: "e2e-1", username: "nina.petit", first_name: "Nina", last_name: "Petit", gender: "female", age: 28, source: "story", at: now },
        { type: "message_sent", instagram_id: "e2e-1", external_id: "e2e-m1", message_number: 1, text: "Salut Nina !", at: now },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());
  const marker = await page.evaluate(() => (window.__noReload = true));
  assert.ok(marker);
  await page.waitForFunction(
    (before) => Number(document.querySelector("[data-testid=kpi][data-kpi=total_leads]")?.dataset.value) === before + 1,
    leads,
    { timeout: 15_000 },
  );
  assert.equal(await kpi(page, "leads_today"), today + 1);
  assert.equal(await page.evaluate(() => window.__noReload), true, "no reload happened");

  // A structurally bad event is refused with the field named, and changes
  // nothing; a bad optional field is dropped with a warning, its event kept
  // (an internationalised address is an address).
  const post = (events) =>
    fetch(`${env.server.base}/api/v1/setter/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ events }),
    });
  const bad = await post([{ type: "message_sent", instagram_id: "e2e-1", external_id: "e2e-m2" }]);
  assert.equal(bad.status, 422);
  assert.ok((await bad.json()).fields["events[0].message_number"]);
  const odd = await post([
    { type: "lead_upserted", instagram_id: "e2e-2", first_name: "Jérôme", email: "jerôme@exemple.fr", age: 4 },
  ]);
  assert.equal(odd.status, 200);
  const answer = await odd.json();
  assert.equal(answer.applied.leads_created, 1);
  assert.ok(answer.warnings["events[0].age"][0].endsWith("Champ ignoré."));
  assert.equal(answer.warnings["events[0].email"], undefined);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the dashboard on a phone, and the period filter", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, COACH);
  await visit(page, `${env.server.base}/app/dashboard?period=7`);
  const week = await kpi(page, "total_leads");
  await page.getByRole("link", { name: "Depuis le début" }).click();
  await page.waitForURL(/period=all/);
  await page.waitForFunction(
    () => document.querySelector("[data-testid=period-filter] a[aria-current=page]")?.textContent.includes("début"),
  );
  await page.waitForFunction(
    (w) => Number(document.querySelector("[data-testid=kpi][data-kpi=total_leads]")?.dataset.value) > w,
    week,
  );
  await chartsDrawn(page);
  await assertAccessible(page, "dashboard on a phone");
  await shot(page, "dashboard-phone");
  await chartGoesInteractive(page, "tap");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("every role gets a dashboard: the sales owner and the accountant, on a phone", async () => {
  // The sales pack's owner: their own figures and the workspace's.
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, "commercial@comptoir.test");
  await visit(page, `${env.server.base}/app/dashboard`);
  assert.equal(await page.locator("[data-testid=my-pack] [data-testid=kpi]").count(), 6);
  await page.locator("[data-testid=my-pack]", { hasText: "Affaires reçues ce mois" }).waitFor();
  assert.equal(await page.locator("[data-testid=owner-pack] [data-testid=kpi]").count(), 6);
  await assertAccessible(page, "sales dashboard on a phone");
  await shot(page, "dashboard-sales-phone");
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // Accounting works no deals: the workspace's figures, not an empty page.
  const compta = await newPage(env.browser, PHONE);
  await signIn(compta, env.server.base, "compta@comptoir.test");
  await visit(compta, `${env.server.base}/app/dashboard`);
  assert.equal(await compta.locator("[data-testid=owner-pack] [data-testid=kpi]").count(), 6);
  assert.equal(await compta.locator("[data-testid=my-pack]").count(), 0);
  await assertAccessible(compta, "accounting dashboard on a phone");
  assert.deepEqual(compta.errors, []);
  await compta.context().close();
});

test("the admin creates a coach, who signs in with the magic link", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, "admin@comptoir.test");
  await visit(page, `${env.server.base}/admin`);
  await page.click("[data-testid=create-coach]");
  await page.locator("#f-name[aria-invalid=true]").waitFor();
  await page.fill("#f-name", "Hugo Lefèvre");
  await page.fill("#f-email", "hugo@coach.test");
  await page.fill("#f-specialty", "musculation");
  await page.click("[data-testid=create-coach]");
  await page.locator("[data-testid=create-coach-done]", { hasText: "hugo@coach.test" }).waitFor();
  await page.locator("[data-testid=admin-workspaces]", { hasText: "Hugo Lefèvre Coaching" }).waitFor();
  await assertAccessible(page, "admin");
  await page.context().close();

  const links = await linksInOutbox(env.browser, env.server.base, "hugo@coach.test");
  const link = links.find((l) => l.includes("/auth/magic/"));
  assert.ok(link, `no magic link in ${links}`);
  const coach = await newPage(env.browser, PHONE);
  await visit(coach, link);
  await coach.click("[data-testid=use-magic-link]");
  await coach.waitForURL(`${env.server.base}/app`);
  await hydrated(coach);
  await visit(coach, `${env.server.base}/app/dashboard`);
  await coach.getByText("Aucune donnée du setter pour l'instant").waitFor();
  assert.deepEqual(coach.errors, []);
  await coach.context().close();
});

test("on a phone, the coach links a stage to a setter status; the link survives a rename", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, COACH);
  await visit(page, `${env.server.base}/app/pipeline/settings`);
  const settings = page.locator("[data-testid=stage-settings]");
  await settings.waitFor();
  const row = (name) => settings.locator("li", { has: page.locator("span.font-medium", { hasText: name }) });
  await row("Qualifié").getByText("Setter : Qualifié").waitFor();
  const followUp = row("À relancer");
  await followUp.locator("summary").click();
  await followUp.locator("select[name=setter_status]").selectOption("qualified");
  await followUp.locator("input[name=name]").fill("Relances DM");
  await followUp.getByRole("button", { name: "Enregistrer" }).click();
  await row("Relances DM").getByText("Setter : Qualifié").waitFor();
  assert.equal(await row("Qualifié").getByText("Setter :").count(), 0, "one stage per status");
  await assertAccessible(page, "stage settings with setter statuses");
  await shot(page, "phone-pipeline-settings-setter");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
