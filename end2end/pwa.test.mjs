// Installable PWA: manifest, service worker, offline page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { launchOptions } from "./support/browser.mjs";
import { DESKTOP, PHONE, assertAccessible, hydrated, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();

test("the manifest names the app, its icons and standalone display", async () => {
  const manifest = await (await fetch(`${env.server.base}/manifest.webmanifest`)).json();
  assert.equal(manifest.short_name, "Comptoir");
  assert.equal(manifest.display, "standalone");
  assert.equal(manifest.start_url, "/app");
  assert.ok(manifest.theme_color);
  const sizes = manifest.icons.map((i) => `${i.sizes}/${i.purpose}`);
  for (const want of ["192x192/any", "512x512/any", "512x512/maskable"]) assert.ok(sizes.includes(want), want);
  for (const icon of manifest.icons) {
    const r = await fetch(`${env.server.base}${icon.src}`);
    assert.equal(r.status, 200, icon.src);
  }
});

test("Chromium reports the app installable and the service worker controls the page", async () => {
  // Installability is never reported in incognito contexts: use a real profile.
  const profile = mkdtempSync(join(tmpdir(), "comptoir-profile-"));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions(), ...DESKTOP });
  const page = await context.newPage();
  await signIn(page, env.server.base, "artisan@comptoir.test");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await hydrated(page);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), "service worker controls the page");
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors, []);
  const manifest = await cdp.send("Page.getAppManifest");
  assert.deepEqual(manifest.errors, []);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test("offline, a page that cannot load shows the offline page", async () => {
  const page = await newPage(env.browser, PHONE);
  await visit(page, `${env.server.base}/login`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await hydrated(page);
  await page.context().setOffline(true);
  await page.goto(`${env.server.base}/app/members`);
  await page.getByRole("heading", { name: "Vous êtes hors ligne" }).waitFor();
  await shot(page, "phone-offline");
  await assertAccessible(page, "offline page");
  await page.context().setOffline(false);
  await page.context().close();
});
