// Invoices end to end, on the demo's signed quote: a deposit invoice issued,
// emailed and paid in two parts; the final invoice deducting everything
// billed before; a partial credit note; the client reading them on a phone in
// the portal; the FEC downloaded with every entry balanced; every PDF checked
// by the Factur-X validator.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { ARTIFACTS, DESKTOP, PHONE, assertAccessible, hydrated, linksInOutbox, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const ARTISAN = "artisan@comptoir.test";
const CLIENT = "marc.fontaine@exemple.fr";
const VALIDATOR = resolve(import.meta.dirname, "../vendor/einvoice-validator/validate.py");
const PYTHON = join(process.env.COMPTOIR_VENV ?? join(homedir(), ".cache/comptoir-venv"), "bin/python");

/** Saves a PDF to the artifacts and runs the validator on it (throws with its report when invalid). */
function validate(name, bytes) {
  const path = join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(path, bytes);
  execFileSync(PYTHON, [VALIDATOR, path], { stdio: "pipe" });
}

async function status(page, value) {
  try {
    await page.locator(`[data-testid=invoice-status][data-status=${value}]`).first().waitFor({ timeout: 20_000 });
  } catch (e) {
    // Say what the page says (the form's alert, a field's message) rather than only "timeout".
    const said = await page.locator("[role=alert], .field-error:not(.hidden)").allTextContents();
    throw new Error(`no status ${value}: ${said.join(" | ")}`, { cause: e });
  }
}

test("a signed quote is invoiced, paid, credited, seen in the portal and exported", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);

  // The demo's invoices: an overdue one among them.
  await visit(page, `${env.server.base}/app/invoices?status=overdue`);
  await page.locator("[data-testid=invoice-row]").first().waitFor();
  assert.match(await page.locator("[data-testid=invoice-list]").textContent(), /En retard/);
  await visit(page, `${env.server.base}/app/invoices`);
  await page.locator("[data-testid=invoice-row]").first().waitFor();
  await shot(page, "desktop-invoices");
  await assertAccessible(page, "invoices list");

  // A standalone invoice starts blank and takes lines from the catalogue.
  await page.click("[data-testid=new-invoice]");
  await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
  await hydrated(page);
  const picker = page.locator("[data-testid=invoice-catalogue]");
  await picker.locator("option").nth(1).waitFor({ state: "attached" });
  const item = await picker.locator("option").nth(1).getAttribute("value");
  await picker.selectOption(item);
  await page.locator("[data-testid=invoice-line]").first().waitFor();
  assert.notEqual(await page.inputValue("#line-0-description"), "");
  await page.click("[data-testid=delete-invoice]");
  await page.waitForURL(/\/app\/invoices$/);
  await hydrated(page);

  // The signed quote and its billing card.
  await visit(page, `${env.server.base}/app/quotes?status=signed`);
  await page.locator("[data-testid=quote-row]", { hasText: "salle d'eau" }).first().locator("a").click();
  await page.locator("[data-testid=invoice-deposit]").waitFor();
  const quoteUrl = page.url();
  await page.fill("#f-deposit", "10");
  await page.click("[data-testid=invoice-deposit]");
  await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.locator("[data-testid=issue-invoice]").waitFor();
  await shot(page, "desktop-invoice-draft");
  await page.click("[data-testid=issue-invoice]");
  await status(page, "issued");
  const number = (await page.locator("h1").textContent()).match(/F-\d{4}-\d{4}/)[0];
  await page.click("[data-testid=send-invoice]");
  await status(page, "sent");

  // Paid in two parts: 100 €, then the rest (the form offers the balance).
  await page.fill("#f-amount", "100");
  await page.click("[data-testid=record-payment]");
  await status(page, "partially_paid");
  await page.click("[data-testid=record-payment]");
  await status(page, "paid");
  await shot(page, "desktop-invoice-paid");
  await assertAccessible(page, "invoice page");
  const depositUrl = page.url();
  validate("invoice-deposit", await (await page.request.get(`${depositUrl}/pdf`)).body());

  // A situation per line: the last line at 60 % (the demo's situation left
  // every line at 50 %), the others as they were.
  await visit(page, quoteUrl);
  await page.click("[data-testid=progress-per-line] summary");
  await page.locator("[data-testid=progress-per-line] input").last().fill("60");
  await page.click("[data-testid=invoice-progress-lines]");
  await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByText(/avancement 60/).first().waitFor();
  await page.click("[data-testid=issue-invoice]");
  await status(page, "issued");
  validate("invoice-situation-per-line", await (await page.request.get(`${page.url()}/pdf`)).body());

  // The final invoice deducts the deposits and the situation.
  await visit(page, quoteUrl);
  await page.click("[data-testid=invoice-final]");
  await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByText(`Déduction de la facture ${number}`).first().waitFor();
  await page.click("[data-testid=issue-invoice]");
  await status(page, "issued");
  const finalUrl = page.url();
  validate("invoice-final", await (await page.request.get(`${finalUrl}/pdf`)).body());

  // A partial credit note on it.
  await page.click("[data-testid=credit-note]");
  await page.waitForURL((url) => url.href !== finalUrl && /\/app\/invoices\/[0-9a-f-]{36}$/.test(url.href));
  await hydrated(page);
  await page.fill("#line-0-unit_price", "50");
  await page.click("[data-testid=issue-invoice]");
  await status(page, "issued");
  assert.match(await page.locator("h1").textContent(), /Avoir A-\d{4}-\d{4}/);
  validate("credit-note", await (await page.request.get(`${page.url()}/pdf`)).body());
  await visit(page, finalUrl);
  assert.match(await page.locator("[data-testid=invoice-facts]").textContent(), /Avoirs/);

  // The same invoice on a phone.
  const phoneOwner = await newPage(env.browser, PHONE);
  await signIn(phoneOwner, env.server.base, ARTISAN);
  await visit(phoneOwner, depositUrl);
  await status(phoneOwner, "paid");
  await shot(phoneOwner, "phone-invoice");

  // The client's portal, on a phone: their quotes and invoices.
  const links = await linksInOutbox(env.browser, env.server.base, CLIENT);
  const portal = links.find((l) => l.includes("/portal/"));
  assert.ok(portal, `portal link in ${links}`);
  const phone = await newPage(env.browser, PHONE);
  await visit(phone, portal);
  const documents = phone.locator("[data-testid=portal-documents]");
  await documents.waitFor();
  const listed = await documents.textContent();
  assert.match(listed, new RegExp(number));
  assert.match(listed, /Avoir A-/);
  await shot(phone, "phone-portal-invoices");
  await assertAccessible(phone, "portal with invoices");
  const href = await phone.locator("[data-testid=portal-document] a").first().getAttribute("href");
  const pdf = await phone.request.get(new URL(href, env.server.base).href);
  assert.equal(pdf.headers()["content-type"], "application/pdf");

  // The finances on the dashboard.
  await visit(page, `${env.server.base}/app/dashboard`);
  const finance = page.locator("[data-testid=finance-pack]");
  await finance.waitFor();
  assert.match(await finance.textContent(), /Encaissé ce mois/);
  await shot(page, "desktop-dashboard-finances");

  // The FEC of the year: its name, 18 columns, every entry balanced.
  const year = new Date().getFullYear();
  await visit(page, `${env.server.base}/app/accounting`);
  await shot(page, "desktop-accounting");
  await assertAccessible(page, "accounting");
  const fec = await page.request.get(`${env.server.base}/app/accounting/fec?from=${year}-01-01&to=${year}-12-31`);
  assert.equal(fec.status(), 200);
  assert.match(fec.headers()["content-disposition"], new RegExp(`filename="\\d{9}FEC${year}1231\\.txt"`));
  const text = await fec.text();
  writeFileSync(join(ARTIFACTS, "fec.txt"), text);
  const rows = text.split("\r\n").filter(Boolean).slice(1).map((l) => l.split("\t"));
  assert.ok(rows.length > 10);
  const sums = new Map();
  for (const r of rows) {
    assert.equal(r.length, 18);
    const cents = (s) => Math.round(Number(s.replace(",", ".")) * 100);
    const [d, c] = sums.get(r[2]) ?? [0, 0];
    sums.set(r[2], [d + cents(r[11]), c + cents(r[12])]);
  }
  for (const [entry, [d, c]] of sums) assert.equal(d, c, `entry ${entry} balances`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(phone.errors, []);
});
