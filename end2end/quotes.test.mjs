// Quotes end to end: a quote written from a deal with lines at three VAT
// rates, the legal check blocking the send until fixed, the email in the
// outbox, the portal on a phone with real touch events drawing the
// signature, then the consequences: deal won, the lead's other deal lost, a
// job opened, the quote locked, the recorded hash equal to the PDF's.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ARTIFACTS, DESKTOP, PHONE, assertAccessible, linksInOutbox, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const ARTISAN = "artisan@comptoir.test";
const CLIENT = "famille.rousseau@exemple.fr";

/** Fills line `n` (0-based among priced lines) of the editor. */
async function fillLine(page, n, { description, quantity, unit, price, vat, discount }) {
  const line = page.locator("[data-testid=quote-line]").nth(n);
  await line.locator("textarea").fill(description);
  await line.getByLabel("Quantité").fill(quantity);
  await line.getByLabel("Unité").selectOption(unit);
  await line.getByLabel("Prix unitaire HT (€)").fill(price);
  await line.getByLabel("TVA").selectOption(vat);
  if (discount) await line.getByLabel("Remise (%)").fill(discount);
}

async function saved(page) {
  await page.waitForFunction(() => /Enregistré/.test(document.querySelector("[data-testid=save-state]")?.textContent ?? ""));
}

async function cardsNamed(page, name) {
  return page.locator("[data-testid=stage-column]").evaluateAll(
    (cols, name) =>
      cols.flatMap((c) =>
        [...c.querySelectorAll("[data-testid=deal-card]")]
          .filter((d) => d.textContent.includes(name))
          .map((d) => ({ id: d.dataset.dealId, column: c.querySelector("h2").textContent.trim(), text: d.textContent })),
      ),
    name,
  );
}

test("a quote goes from the deal to a signature on a phone, and the pipeline follows", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await visit(page, `${env.server.base}/app/pipeline`);
  await page.locator("[data-testid=deal-card]").first().waitFor();
  const rousseau = await cardsNamed(page, "Famille Rousseau");
  assert.equal(rousseau.length, 2, "the demo lead was sent to two members");
  const mine = rousseau.find((c) => c.text.includes("JM"));
  const other = rousseau.find((c) => c !== mine);

  // From the deal drawer to a new quote, client and site from the lead.
  await page.locator(`[data-deal-id="${mine.id}"]`).click();
  await page.locator("[data-testid=new-deal-quote]").click();
  await page.waitForURL(/\/app\/quotes\/new\?deal=/);
  await page.locator("#f-client\\.name").waitFor();
  assert.equal(await page.inputValue("#f-client\\.name"), "Famille Rousseau");
  assert.equal(await page.inputValue("#f-client\\.email"), CLIENT);
  assert.equal(await page.inputValue("#f-site_city"), "Caluire-et-Cuire");

  await page.fill("#f-title", "Rénovation de la salle de bain");
  await page.click("[data-testid=add-line]");
  await page.click("[data-testid=add-line]");
  await page.click("[data-testid=add-line]");
  await fillLine(page, 0, { description: "Chauffe-eau thermodynamique 200 L", quantity: "1", unit: "u", price: "1890", vat: "550" });
  await fillLine(page, 1, { description: "Main-d'œuvre plombier", quantity: "3,5", unit: "h", price: "45", vat: "1000" });
  await fillLine(page, 2, { description: "Faïence murale", quantity: "12,25", unit: "m2", price: "39,99", vat: "2000", discount: "10" });
  await page.waitForURL(/\/app\/quotes\/[0-9a-f-]{36}$/);
  await saved(page);
  // 1 890 + 157,50 + 440,89 HT; VAT 103,95 + 15,75 + 88,18 → 2 696,27 TTC.
  await page.locator("[data-testid=quote-totals]", { hasText: "2\u202F696,27" }).waitFor();

  // No travel costs line: the legal check blocks the send and says why.
  const check = page.locator("[data-testid=legal-check]");
  await check.waitFor();
  assert.match(await check.textContent(), /déplacement/);
  await page.click("[data-testid=send-quote]");
  await page.waitForTimeout(500);
  assert.match(page.url(), /\/app\/quotes\/[0-9a-f-]{36}$/, "still in the editor");
  await shot(page, "desktop-quote-editor-legal-check");
  await assertAccessible(page, "quote editor");

  // Fixing it: a travel line, at 0 €.
  await page.click("[data-testid=add-line]");
  await fillLine(page, 3, { description: "Déplacement", quantity: "1", unit: "forfait", price: "0", vat: "1000" });
  await saved(page);
  await check.waitFor({ state: "hidden" });
  await page.click("[data-testid=send-quote]");
  await page.locator("[data-testid=quote-status][data-status=sent]").waitFor({ timeout: 20_000 });
  const quoteUrl = page.url();
  const heading = await page.locator("h1").textContent();
  assert.match(heading, /Devis D-20\d\d-\d{4}/);
  assert.equal(await page.locator("#f-client\\.name").count(), 0, "a sent quote is not editable");

  // The deal moved to the quote stage by itself (it already was: it stays, quote date recorded).
  // The client's email is in the outbox, with the portal link.
  const links = await linksInOutbox(env.browser, env.server.base, CLIENT);
  const portal = links.find((l) => l.includes("/portal/"));
  assert.ok(portal, `portal link in ${links}`);

  // The client, on a phone, with touch.
  const phone = await newPage(env.browser, PHONE);
  await visit(phone, portal);
  await phone.locator("h1", { hasText: heading.replace("Devis ", "").trim() }).waitFor();
  assert.match(await phone.locator("[data-testid=quote-totals]").textContent(), /2\u202F696,27/);
  await shot(phone, "phone-portal-quote");
  await assertAccessible(phone, "portal");
  await phone.check("#f-accepted");
  const pad = phone.locator("[data-testid=signature-pad]");
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const scrollBefore = await phone.evaluate(() => window.scrollY);
  const cdp = await phone.context().newCDPSession(phone);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points });
  const at = (fx, fy) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
  await touch("touchStart", [at(0.15, 0.7)]);
  for (let i = 1; i <= 20; i++) {
    await touch("touchMove", [at(0.15 + i * 0.035, 0.7 - Math.sin(i / 3) * 0.4)]);
  }
  await touch("touchEnd", []);
  assert.equal(await phone.evaluate(() => window.scrollY), scrollBefore, "drawing does not scroll the page");
  const inked = await pad.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] < 100) dark++;
    return dark;
  });
  assert.ok(inked > 50, `the stroke is drawn (${inked} dark pixels)`);
  await shot(phone, "phone-portal-signature");
  await phone.click("[data-testid=sign-quote]");
  await phone.locator("[data-testid=signed]").waitFor({ timeout: 20_000 });
  const recorded = (await phone.locator("[data-testid=signed]").textContent()).match(/[0-9a-f]{64}/)[0];
  await shot(phone, "phone-portal-signed");

  // The PDF the client was shown hashes to the recorded fingerprint.
  const sent = await page.request.get(`${quoteUrl}/pdf?copy=sent`);
  assert.equal(sent.headers()["content-type"], "application/pdf");
  const sentBytes = await sent.body();
  assert.equal(createHash("sha256").update(sentBytes).digest("hex"), recorded);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, "quote-sent.pdf"), sentBytes);
  writeFileSync(join(ARTIFACTS, "quote-signed.pdf"), await (await page.request.get(`${quoteUrl}/pdf`)).body());
  await visit(page, quoteUrl);
  await page.locator("[data-testid=quote-status][data-status=signed]").waitFor();
  await page.click("[data-testid=verify-signature]");
  await page.locator("[data-testid=verification-ok]").waitFor();

  // The pipeline followed: won, the other deal lost, a job opened.
  await visit(page, `${env.server.base}/app/pipeline`);
  await page.locator("[data-testid=deal-card]").first().waitFor();
  const after = await cardsNamed(page, "Famille Rousseau");
  assert.equal(after.find((c) => c.id === mine.id)?.column, "Gagné");
  assert.equal(after.find((c) => c.id === other.id)?.column, "Perdu");
  await page.locator(`[data-deal-id="${mine.id}"]`).click();
  await page.getByText("Chantier ouvert").first().waitFor();

  // Locked: saving the signed quote is refused by the server too.
  const id = quoteUrl.split("/").pop();
  const refused = await page.request.post(`${env.server.base}/api/save_quote`, {
    headers: { "content-type": "application/json", origin: env.server.base },
    data: { id, draft: { title: "Modifié" } },
  });
  assert.ok(refused.status() >= 400, `save refused (${refused.status()})`);

  // The artisan on a phone: the job is in today's list; steps are validated with one thumb.
  const field = await newPage(env.browser, PHONE);
  await signIn(field, env.server.base, ARTISAN);
  await visit(field, `${env.server.base}/app/jobs`);
  const row = field.locator("[data-testid=job-row]", { hasText: "Famille Rousseau" });
  await row.waitFor();
  await shot(field, "phone-jobs-today");
  await assertAccessible(field, "jobs list");
  await row.click();
  await field.waitForURL(/\/app\/jobs\/[0-9a-f-]{36}$/);
  const steps = field.locator("[data-testid=job-step]");
  await steps.first().waitFor();
  assert.equal(await steps.count(), 4);
  assert.equal(await field.locator("[data-testid=job-status]").getAttribute("data-status"), "planned");
  for (const n of [0, 1]) {
    const step = steps.nth(n);
    const stepId = await step.getAttribute("data-step-id");
    await step.locator("[data-testid=validate-step]").click();
    await field.locator(`[data-testid=job-step][data-step-id="${stepId}"][data-state=done]`).waitFor();
  }
  assert.equal(await field.locator("[data-testid=job-status]").getAttribute("data-status"), "in_progress", "a validated step starts the job");
  assert.match(await steps.nth(0).textContent(), /Validée par Julien Martin/);
  await field.getByText("Étape validée : Préparation du chantier").first().waitFor();
  // A photo from the camera (a fixture JPEG), then a file that is not one.
  const dataUrl = await field.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 1600;
    c.height = 1200;
    const g = c.getContext("2d");
    const grad = g.createLinearGradient(0, 0, 1600, 1200);
    grad.addColorStop(0, "#c9a46b");
    grad.addColorStop(1, "#35506b");
    g.fillStyle = grad;
    g.fillRect(0, 0, 1600, 1200);
    g.fillStyle = "#eee";
    g.fillRect(300, 400, 500, 300);
    return c.toDataURL("image/jpeg", 0.9);
  });
  const jpeg = Buffer.from(dataUrl.split(",")[1], "base64");
  await field.selectOption("#photo-tag", "before");
  await field.locator("[data-testid=photo-input]").setInputFiles({ name: "avant.jpg", mimeType: "image/jpeg", buffer: jpeg });
  const thumb = field.locator("[data-testid=photo-thumb]").first();
  await thumb.waitFor({ timeout: 20_000 });
  await field.locator("[data-testid=photo-input]").setInputFiles({ name: "devis.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7 pas une photo") });
  await field.locator("#photo-problem", { hasText: "n'est pas une photo" }).waitFor();
  assert.equal(await field.locator("[data-testid=photo-thumb]").count(), 1, "nothing stored for the PDF");
  await thumb.click();
  await field.locator("[data-testid=photo-viewer]").waitFor();
  await shot(field, "phone-job-photo-viewer", { fullPage: false });
  const shareBox = field.getByLabel("Visible par le client dans son espace");
  await Promise.all([field.waitForResponse((r) => r.url().endsWith("/api/share_job_photo") && r.ok()), shareBox.check()]);
  await field.keyboard.press("Escape");
  await field.locator("[data-testid=photo-viewer]").waitFor({ state: "hidden" });
  await shot(field, "phone-job-steps");
  await assertAccessible(field, "job page");

  // The client follows the job from the same portal link: two steps done, the shared photo.
  await visit(phone, portal);
  const followed = phone.locator("[data-testid=portal-job]");
  await followed.waitFor();
  assert.equal(await followed.locator("[data-testid=portal-job-step][data-state=done]").count(), 2);
  assert.equal(await followed.locator("[data-testid=portal-job-photo]").count(), 1);
  await followed.scrollIntoViewIfNeeded();
  await shot(phone, "phone-portal-job");
  await assertAccessible(phone, "portal with a job");

  // The artisan ends the job: the client gets « chantier terminé » with a link to their space.
  await field.locator("[data-testid=job-move]", { hasText: "Terminer" }).click();
  await field.locator("[data-testid=job-status][data-status=done]").waitFor();
  let ended;
  for (let i = 0; i < 40 && !ended; i++) {
    const links = await linksInOutbox(env.browser, env.server.base, CLIENT);
    ended = links.find((l) => l.includes("/portal/") && l !== portal);
    if (!ended) await field.waitForTimeout(250);
  }
  assert.ok(ended, "a new portal link in the « chantier terminé » message");
  await visit(phone, ended);
  await phone.locator("[data-testid=portal-job][data-status=done]").waitFor();
  // The final report, from the client's space.
  const reportHref = await phone.locator("[data-testid=portal-job-report]").getAttribute("href");
  const report = await phone.request.get(new URL(reportHref, env.server.base).href);
  assert.equal(report.status(), 200);
  assert.equal((await report.body()).subarray(0, 4).toString(), "%PDF");
  assert.deepEqual(field.errors, []);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(phone.errors, []);
});
