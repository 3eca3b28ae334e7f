// E-invoicing end to end on the demo workshop (its invoices are B2B): an
// issued invoice is sent through the platform (the local folder platform of
// the default install) and shows the platform's 200 « Déposée », then the
// e-invoicing page lists the exchange; the artisan reads the supplier invoice
// the demo's sales company sent it, on a phone; audited.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, PHONE, assertAccessible, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const WORKSHOP = "atelier@comptoir.test";
const ARTISAN = "artisan@comptoir.test";

test("an issued B2B invoice goes through the platform and comes back « Déposée »", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, WORKSHOP);
  await visit(page, `${env.server.base}/app/invoices`);
  const issued = page.locator("[data-testid=invoice-status]:not([data-status=draft])");
  const row = page.locator("[data-testid=invoice-row]", { has: issued }).first();
  await row.waitFor();
  await row.locator("a").first().click();
  await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
  await page.locator("[data-testid=pa-transmit]").waitFor({ timeout: 20_000 });
  await page.click("[data-testid=pa-transmit]");
  await page.locator("[data-testid=pa-status][data-status='200']").waitFor({ timeout: 20_000 });
  assert.match(await page.locator("[data-testid=pa-history]").textContent(), /Facture émise.*Déposée/s);
  await shot(page, "desktop-invoice-einvoicing");
  await assertAccessible(page, "invoice with its platform status");

  await visit(page, `${env.server.base}/app/einvoicing`);
  await page.locator("[data-testid=pa-flows]").waitFor();
  assert.match(await page.locator("[data-testid=pa-adapter]").textContent(), /Plateforme locale/);
  await page.click("[data-testid=pa-sync]");
  await page.locator("[data-testid=pa-sync-result]").waitFor();
  await shot(page, "desktop-einvoicing");
  await assertAccessible(page, "e-invoicing page");
  await page.close();

  // The demo artisan received the sales company's invoice (delivered by the
  // local platform): listed on a phone without sideways scrolling.
  const phone = await newPage(env.browser, PHONE);
  await signIn(phone, env.server.base, ARTISAN);
  await visit(phone, `${env.server.base}/app/einvoicing`);
  await phone.locator("[data-testid=received-list] li").first().waitFor();
  assert.match(await phone.locator("[data-testid=received-list]").textContent(), /Alforis Conseil SAS/);
  await assertAccessible(phone, "e-invoicing page on a phone");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page fits a 390 px phone (overflow ${overflow}px)`);
  await shot(phone, "phone-einvoicing");
  await phone.close();
});
