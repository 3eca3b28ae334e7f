// Inviting a member who joins, switching workspace, audit trail and outbox.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, PHONE, hydrated, linksInOutbox, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();

test("an owner invites a member, who creates an account from the email and joins", async () => {
  const owner = await newPage(env.browser);
  await signIn(owner, env.server.base, "atelier@comptoir.test");
  await visit(owner, `${env.server.base}/app/members`);
  await owner.fill("[data-testid=invite-form] #f-email", "mathis.perrin@thermolaquage-ra.test");
  await owner.selectOption("[data-testid=invite-form] #f-role", "member");
  await owner.click("[data-testid=send-invitation]");
  await owner.getByText("Invitation envoyée à mathis.perrin@thermolaquage-ra.test").waitFor();
  await owner.locator("[data-testid=invitation-list]").getByText("mathis.perrin@thermolaquage-ra.test").waitFor();
  await shot(owner, "desktop-members");
  await owner.context().close();

  const links = await linksInOutbox(env.browser, env.server.base, "mathis.perrin@thermolaquage-ra.test");
  const invite = links.find((l) => l.includes("/invite/"));
  const page = await newPage(env.browser, PHONE);
  await visit(page, invite);
  await page.getByText("Sophie Bernard vous invite").waitFor();
  await page.fill("#f-name", "Mathis Perrin");
  await page.fill("#f-password", "Poudre-Epoxy-2026");
  await page.check("#f-consent");
  await shot(page, "phone-accept-invitation");
  await page.click("[data-testid=accept-invitation]");
  await page.waitForURL(`${env.server.base}/app`);
  await hydrated(page);
  await page.getByRole("heading", { name: "Thermolaquage Rhône-Alpes" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a member of two workspaces switches between them", async () => {
  const page = await newPage(env.browser);
  await signIn(page, env.server.base, "compta@comptoir.test");
  await page.getByRole("heading", { name: "Plomberie Martin" }).waitFor();
  const switcher = page.locator("aside [data-testid=workspace-switcher]");
  const target = await switcher.locator("option", { hasText: "Thermolaquage Rhône-Alpes" }).getAttribute("value");
  await switcher.selectOption(target);
  await page.getByRole("heading", { name: "Thermolaquage Rhône-Alpes" }).waitFor();
  await hydrated(page);
  assert.match(await page.locator("aside").innerText(), /Comptabilité/);
  await page.reload();
  await hydrated(page);
  await page.getByRole("heading", { name: "Thermolaquage Rhône-Alpes" }).waitFor();
  await page.context().close();
});

test("the audit trail lists, filters (kept in the URL) and verifies events", async () => {
  const page = await newPage(env.browser);
  await signIn(page, env.server.base, "artisan@comptoir.test");
  await visit(page, `${env.server.base}/app/audit`);
  await page.locator("[data-testid=event-row]").first().waitFor();
  assert.ok((await page.locator("[data-testid=event-row]").count()) >= 5);
  await page.selectOption("#filter-action", "invitation.created");
  await page.click("[data-testid=apply-filters]");
  await page.waitForURL(/action=invitation\.created/);
  await page.waitForFunction(() =>
    [...document.querySelectorAll("[data-testid=event-row]")].every((r) => r.dataset.action === "invitation.created"),
  );
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator("#filter-action").inputValue(), "invitation.created");
  await page.click("[data-testid=verify-chain]");
  await page.locator("[data-testid=chain-status]").getByText("Chaîne intacte").waitFor();
  await page.goto(`${env.server.base}/app/audit`);
  await hydrated(page);
  await shot(page, "desktop-audit");
  await page.context().close();

  const phone = await newPage(env.browser, PHONE);
  await signIn(phone, env.server.base, "artisan@comptoir.test");
  await visit(phone, `${env.server.base}/app/audit`);
  await phone.locator("[data-testid=event-row]").first().waitFor();
  await shot(phone, "phone-audit");
  await phone.context().close();
});

test("the outbox shows the workspace what it sent, personal links masked", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, "artisan@comptoir.test");
  // On an artisan's phone the tab bar holds Accueil, Pipeline, Chantiers, Devis; the outbox is under "Plus".
  await page.click("nav.tabbar >> text=Plus");
  await page.waitForURL(/\/app\/more/);
  await hydrated(page);
  await page.click("main a[href='/app/outbox']");
  await page.waitForURL(/\/app\/outbox/);
  await hydrated(page);
  const row = page.locator("[data-testid=outbox-row][data-to='apprenti@plomberie-martin.test']");
  await row.waitFor();
  await shot(page, "phone-outbox");
  await row.locator("a").click();
  await page.waitForSelector("[data-testid=email-body]");
  const body = await page.locator("[data-testid=email-body]").innerText();
  assert.match(body, /vous invite à rejoindre/);
  // The invitation link is the invitee's alone: masked for the sender.
  assert.match(body, /lien personnel masqué/);
  assert.doesNotMatch(body, /\/invite\//);
  assert.equal(await page.locator("[data-testid=email-link]").count(), 0);
  await shot(page, "phone-email");
  await page.context().close();
});
