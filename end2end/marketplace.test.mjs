// The marketplace end to end on the demo data (plumbers around Lyon): a
// homeowner fills /demande on a phone (a wrong postcode first, then 69003
// Lyon, « Plomberie »); three plumbers within their radius with valid
// documents get the deal, the one with an expired décennale does not and the
// admin's lead page says why; the map shows them; Plomberie Martin sends a
// quote, the client signs it in the portal, and the other two deals are lost.
// The 24 h reminder runs on the scheduler's clock in the integration tests.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, PHONE, assertAccessible, linksInOutbox, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const CLIENT = "claire.lefort@exemple.fr";

async function sign(phone) {
  await phone.check("#f-accepted");
  const pad = phone.locator("[data-testid=signature-pad]");
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const cdp = await phone.context().newCDPSession(phone);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points });
  const at = (fx, fy) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
  await touch("touchStart", [at(0.2, 0.6)]);
  for (let i = 1; i <= 15; i++) await touch("touchMove", [at(0.2 + i * 0.04, 0.6 - Math.sin(i / 3) * 0.3)]);
  await touch("touchEnd", []);
  await phone.click("[data-testid=sign-quote]");
  await phone.locator("[data-testid=signed]").waitFor({ timeout: 20_000 });
}

test("a request from a phone reaches three plumbers, the admin sees why, the first signature wins", async () => {
  const base = env.server.base;
  // 1. The homeowner, on a phone, without the app's WASM.
  const phone = await newPage(env.browser, PHONE);
  await phone.goto(`${base}/demande`);
  const form = phone.locator("[data-testid=request-form]");
  await form.waitFor();
  assert.equal(await phone.evaluate(() => document.querySelectorAll("script[src$='.wasm'], link[href$='.wasm']").length), 0);
  await phone.selectOption("#trade", "Plomberie");
  await phone.fill("#description", "Le chauffe-eau fuit par le groupe de sécurité, il faudrait le remplacer.");
  await phone.fill("#postcode", "69999");
  await phone.fill("#city", "Lyon");
  await phone.fill("#address", "24 rue Paul Bert");
  await phone.fill("#name", "Claire Lefort");
  await phone.fill("#email", CLIENT);
  await phone.fill("#phone", "06 11 22 33 44");
  await phone.check("#consent");
  await shot(phone, "phone-request-form");
  await assertAccessible(phone, "request form");
  await phone.click("[data-testid=request-submit]");
  await phone.locator("#postcode-err").waitFor();
  assert.match(await phone.locator("#postcode-err").textContent(), /code postal n'existe pas/);
  assert.equal(await phone.inputValue("#name"), "Claire Lefort", "what was typed stays");
  assert.equal(await phone.evaluate(() => document.activeElement?.id), "errors", "the error summary takes the focus");
  await assertAccessible(phone, "request form with errors");
  await phone.fill("#postcode", "69003");
  // The commune suggestions of the postcode.
  await phone.waitForFunction(() => document.querySelectorAll("#communes option").length > 0);
  assert.ok(await phone.locator("#communes option[value='Lyon']").count());
  await phone.check("#consent");
  // A 2,000 × 1,500 photo from the « camera »: the page makes it 1,600 px
  // before sending, the server re-encodes it without metadata.
  const photo = await phone.evaluate(async () => {
    const c = document.createElement("canvas");
    c.width = 2000;
    c.height = 1500;
    const g = c.getContext("2d");
    g.fillStyle = "#2563eb";
    g.fillRect(0, 0, 2000, 1500);
    g.fillStyle = "#f59e0b";
    g.fillRect(400, 300, 1200, 900);
    const blob = await new Promise((done) => c.toBlob(done, "image/jpeg", 0.9));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await phone.setInputFiles("#photos", { name: "fuite.jpg", mimeType: "image/jpeg", buffer: Buffer.from(photo) });
  await phone.click("[data-testid=request-submit]");
  await phone.locator("[data-testid=request-confirmed]").waitFor();
  await shot(phone, "phone-request-confirmed");
  await assertAccessible(phone, "request follow page");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the form fits a 390 px phone (overflow ${overflow}px)`);
  await phone.close();

  // 2. The platform admin: who got it, and why not the others.
  const admin = await newPage(env.browser, DESKTOP);
  await signIn(admin, base, "admin@comptoir.test");
  await visit(admin, `${base}/admin/leads`);
  await admin.locator("[data-testid=market-request-row]", { hasText: "Claire Lefort" }).locator("a").click();
  await admin.waitForURL(/\/admin\/leads\/[0-9a-f-]{36}$/);
  await admin.locator("[data-testid=route-explain]").first().waitFor();
  const rows = await admin.locator("[data-testid=route-explain]").evaluateAll((trs) =>
    trs.map((tr) => ({ eligible: tr.dataset.eligible, assigned: tr.dataset.assigned, text: tr.textContent })),
  );
  assert.equal(rows.filter((r) => r.assigned === "true").length, 3, JSON.stringify(rows));
  const shown = admin.locator("[data-testid=request-photos] img");
  assert.equal(await shown.count(), 1, "the request's photo");
  await admin.waitForFunction(() => document.querySelector("[data-testid=request-photos] img")?.naturalWidth > 0);
  assert.equal(await shown.evaluate((img) => `${img.naturalWidth}x${img.naturalHeight}`), "1600x1200");
  const duval = rows.find((r) => r.text.includes("Marc Duval"));
  assert.equal(duval.eligible, "false");
  assert.match(duval.text, /Assurance décennale expirée le/);
  assert.ok(rows.some((r) => r.text.includes("Élise Roche") && /au-delà de son rayon/.test(r.text)), "Grenoble is too far");
  const leadUrl = admin.url();
  await shot(admin, "desktop-admin-lead");
  await assertAccessible(admin, "admin lead page");

  // 3. The map: bases with their radius, the request.
  await visit(admin, `${base}/admin/map`);
  await admin.locator("[data-testid=market-map]").waitFor();
  assert.ok((await admin.locator("[data-testid=map-artisan]").count()) >= 6);
  assert.ok((await admin.locator("[data-testid=map-request]").count()) >= 1);
  await shot(admin, "desktop-admin-map");
  await assertAccessible(admin, "admin map");
  const phoneAdmin = await newPage(env.browser, PHONE);
  await signIn(phoneAdmin, base, "admin@comptoir.test");
  await visit(phoneAdmin, `${base}/admin/map`);
  await phoneAdmin.locator("[data-testid=market-map]").waitFor();
  await shot(phoneAdmin, "phone-admin-map");
  // The directory: every profile, who is out of routing and why.
  await visit(phoneAdmin, `${base}/admin/artisans?etat=out`);
  const out = phoneAdmin.locator("[data-testid=artisan-row]", { hasText: "Marc Duval" });
  await out.waitFor();
  assert.equal(await out.getAttribute("data-routable"), "false");
  assert.match(await out.textContent(), /Assurance décennale expirée le/);
  await shot(phoneAdmin, "phone-admin-artisans");
  await assertAccessible(phoneAdmin, "admin artisans directory");
  await phoneAdmin.close();

  // 4. Plomberie Martin quotes it; the client signs in the portal.
  const artisan = await newPage(env.browser, DESKTOP);
  await signIn(artisan, base, "artisan@comptoir.test");
  await visit(artisan, `${base}/app/pipeline`);
  const card = artisan.locator("[data-testid=deal-card]", { hasText: "Claire Lefort" });
  await card.waitFor();
  await card.click();
  await artisan.locator("[data-testid=new-deal-quote]").click();
  await artisan.waitForURL(/\/app\/quotes\/new\?deal=/);
  await artisan.locator("#f-client\\.name").waitFor();
  assert.equal(await artisan.inputValue("#f-client\\.email"), CLIENT);
  await artisan.fill("#f-title", "Remplacement du chauffe-eau");
  for (const [n, line] of [
    ["Chauffe-eau électrique 200 L posé", "1", "u", "890", "1000"],
    ["Main-d'œuvre plombier", "2", "h", "45", "1000"],
    ["Déplacement", "1", "forfait", "0", "1000"],
  ].entries()) {
    await artisan.click("[data-testid=add-line]");
    const row = artisan.locator("[data-testid=quote-line]").nth(n);
    await row.locator("textarea").fill(line[0]);
    await row.getByLabel("Quantité").fill(line[1]);
    await row.getByLabel("Unité").selectOption(line[2]);
    await row.getByLabel("Prix unitaire HT (€)").fill(line[3]);
    await row.getByLabel("TVA").selectOption(line[4]);
  }
  await artisan.waitForURL(/\/app\/quotes\/[0-9a-f-]{36}$/);
  await artisan.waitForFunction(() => /Enregistré/.test(document.querySelector("[data-testid=save-state]")?.textContent ?? ""));
  await artisan.click("[data-testid=send-quote]");
  await artisan.locator("[data-testid=quote-status][data-status=sent]").waitFor({ timeout: 20_000 });
  const portal = (await linksInOutbox(env.browser, base, CLIENT)).find((l) => l.includes("/portal/"));
  assert.ok(portal, "portal link emailed");
  const client = await newPage(env.browser, PHONE);
  await visit(client, portal);
  await sign(client);
  await client.close();
  await artisan.close();

  // 5. The others lost: the admin's page says so.
  let lost = 0;
  for (let i = 0; i < 40 && lost < 2; i++) {
    await visit(admin, leadUrl);
    await admin.locator("[data-testid=route-explain]").first().waitFor();
    lost = await admin.locator("[data-testid=route-explain][data-assigned=true]", { hasText: "Perdu" }).count();
    if (lost < 2) await admin.waitForTimeout(250);
  }
  assert.equal(lost, 2, "the two other plumbers' deals are lost");
  assert.ok(await admin.locator("text=Devis signé").count());
  await shot(admin, "desktop-admin-lead-won");
  await admin.close();
});

test("an artisan sees their zone and documents on their profile, on a phone", async () => {
  const base = env.server.base;
  const phone = await newPage(env.browser, PHONE);
  await signIn(phone, base, "plombier.duval@comptoir.test");
  await visit(phone, `${base}/app/members`);
  await phone.locator("a[href^='/app/members/']").first().click();
  await phone.locator("[data-testid=artisan-profile-form]").waitFor();
  await phone.locator("[data-testid=zone-map]").waitFor();
  assert.match(await phone.locator("[data-testid=routing-status]").textContent(), /Hors routage : Assurance décennale expirée/);
  await shot(phone, "phone-artisan-profile");
  await assertAccessible(phone, "artisan profile");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the profile fits a 390 px phone (overflow ${overflow}px)`);
  await phone.close();
});
