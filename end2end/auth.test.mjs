// Sign-up, sign-in with and without TOTP, magic link, inline errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { totp } from "./support/totp.mjs";
import { DESKTOP, PASSWORD, PHONE, hydrated, linksInOutbox, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();

test("sign-up shows inline errors, then creates the workspace", async () => {
  const page = await newPage(env.browser, PHONE);
  await visit(page, `${env.server.base}/signup`);
  await page.fill("#f-email", "pas-une-adresse");
  await page.click("[data-testid=sign-up]");
  const emailError = page.locator("#f-email-error");
  await emailError.waitFor({ state: "visible" });
  assert.match(await emailError.innerText(), /@/);
  assert.equal(await page.getAttribute("#f-email", "aria-invalid"), "true");
  assert.match(await page.locator("#f-consent-error").innerText(), /confidentialité/);
  await shot(page, "phone-signup-errors");

  await page.fill("#f-name", "Amandine Roux");
  await page.fill("#f-email", "amandine@menuiserie-roux.test");
  await page.fill("#f-password", "Menuiserie-Nantes-2026");
  await page.fill("#f-workspace_name", "Menuiserie Roux");
  await page.check("input[name=pack][value=artisan]");
  await page.check("#f-consent");
  await page.click("[data-testid=sign-up]");
  await page.waitForURL(`${env.server.base}/app`);
  await hydrated(page);
  await page.getByRole("heading", { name: "Menuiserie Roux" }).waitFor();
  await page.getByRole("heading", { name: "Demandes de travaux" }).waitFor();
  // Until the address is proven, a banner says so (and nothing can be sent).
  await page.locator("[data-testid=verify-banner]").waitFor();
  await shot(page, "phone-verify-banner");
  const links = await linksInOutbox(env.browser, env.server.base, "amandine@menuiserie-roux.test");
  const verify = links.find((l) => l.includes("/auth/verify/"));
  assert.ok(verify, `no verification link in ${links}`);
  await visit(page, verify);
  await page.click("[data-testid=confirm-email]");
  await page.locator("[data-testid=email-confirmed]").waitFor();
  await shot(page, "phone-email-confirmed");
  await visit(page, `${env.server.base}/app`);
  await page.getByRole("heading", { name: "Menuiserie Roux" }).waitFor();
  assert.equal(await page.locator("[data-testid=verify-banner]").count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the server's answer appears at the field: an address already taken", async () => {
  const page = await newPage(env.browser);
  await visit(page, `${env.server.base}/signup`);
  await page.fill("#f-name", "Julien Martin");
  await page.fill("#f-email", "artisan@comptoir.test");
  await page.fill("#f-password", "Un-Autre-Secret-2026");
  await page.fill("#f-workspace_name", "Plomberie Bis");
  await page.check("input[name=pack][value=artisan]");
  await page.check("#f-consent");
  await page.click("[data-testid=sign-up]");
  await page.locator("#f-email-error").getByText("existe déjà").waitFor();
  assert.equal(page.url(), `${env.server.base}/signup`);
  await page.context().close();
});

test("sign-in with a wrong then the right password, and sign-out", async () => {
  const page = await newPage(env.browser);
  await visit(page, `${env.server.base}/login`);
  await page.fill("#f-email", "artisan@comptoir.test");
  await page.fill("#f-password", "mauvais-mot-de-passe");
  await page.click("[data-testid=sign-in]");
  await page.locator("#f-password-error").getByText("incorrect").waitFor();
  await page.fill("#f-password", PASSWORD);
  await page.click("[data-testid=sign-in]");
  await page.waitForURL(`${env.server.base}/app`);
  await hydrated(page);
  await page.getByRole("heading", { name: "Plomberie Martin" }).waitFor();
  await page.click("aside [data-testid=sign-out]");
  await page.waitForURL(/\/login/);
  await page.goto(`${env.server.base}/app/members`);
  assert.match(page.url(), /\/login\?next=\/app\/members/);
  await page.context().close();
});

test("TOTP: enrol on the security page, then sign in with a code", async () => {
  const page = await newPage(env.browser);
  await signIn(page, env.server.base, "coach@comptoir.test");
  await visit(page, `${env.server.base}/app/security`);
  // Changing the second factor asks for the password first.
  await page.click("[data-testid=start-totp]");
  await page.locator("#f-password-error").waitFor({ state: "visible" });
  await shot(page, "desktop-totp-asks-password");
  await page.fill("#f-password", PASSWORD);
  await page.click("[data-testid=start-totp]");
  const secret = (await page.locator("[data-testid=totp-secret]").innerText()).trim();
  await shot(page, "desktop-totp-enrolment");
  await page.fill("#f-code", totp(secret));
  await page.click("[data-testid=confirm-totp]");
  await page.locator("[data-testid=recovery-codes] li").first().waitFor();
  assert.equal(await page.locator("[data-testid=recovery-codes] li").count(), 10);
  await page.context().close();

  const phone = await newPage(env.browser, PHONE);
  await visit(phone, `${env.server.base}/login`);
  await phone.fill("#f-email", "coach@comptoir.test");
  await phone.fill("#f-password", PASSWORD);
  await phone.click("[data-testid=sign-in]");
  await phone.waitForURL(`${env.server.base}/login/totp`);
  await hydrated(phone);
  await phone.fill("#f-code", "000000");
  await phone.click("[data-testid=verify-totp]");
  await phone.locator("#f-code-error").waitFor({ state: "visible" });
  await shot(phone, "phone-totp-challenge");
  // The next step's code: newer than the one used for enrolment.
  await phone.fill("#f-code", totp(secret, 1));
  await phone.click("[data-testid=verify-totp]");
  await phone.waitForURL(`${env.server.base}/app`);
  await hydrated(phone);
  await phone.getByRole("heading", { name: "Léa Dubois Coaching" }).waitFor();
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test("magic link: request it, read it in the outbox, sign in with it", async () => {
  const page = await newPage(env.browser, PHONE);
  await visit(page, `${env.server.base}/login`);
  await page.click("[data-testid=magic-tab]");
  await page.fill("#f-email", "commercial@comptoir.test");
  await page.click("[data-testid=send-magic-link]");
  await page.locator("[data-testid=magic-link-sent]").waitFor();
  const links = await linksInOutbox(env.browser, env.server.base, "commercial@comptoir.test");
  const link = links.find((l) => l.includes("/auth/magic/"));
  assert.ok(link, `no magic link in ${links}`);
  await visit(page, link);
  await page.click("[data-testid=use-magic-link]");
  await page.waitForURL(`${env.server.base}/app`);
  await hydrated(page);
  await page.getByRole("heading", { name: "Alforis Conseil" }).waitFor();
  await page.context().close();
});
