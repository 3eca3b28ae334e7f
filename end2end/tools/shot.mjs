// Takes screenshots of pages, signed in or not, desktop and phone.
// node end2end/tools/shot.mjs BASE_URL OUT_DIR [email password] path...
import { chromium } from "playwright-core";
import { launchOptions } from "../support/browser.mjs";

const [base, outDir, ...rest] = process.argv.slice(2);
let email, password, paths;
if (rest[0]?.includes("@")) [email, password, ...paths] = rest;
else paths = rest;

const browser = await chromium.launch(launchOptions());
for (const [name, viewport, mobile] of [["desktop", { width: 1440, height: 900 }, false], ["phone", { width: 390, height: 844 }, true]]) {
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: mobile ? 2 : 1, colorScheme: "dark" });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") console.log(`[${name}] console:`, m.text()); });
  page.on("pageerror", (e) => console.log(`[${name}] pageerror:`, e.message));
  if (email) {
    await page.goto(`${base}/login`);
    await page.waitForSelector("body[data-hydrated=true]");
    await page.fill("#f-email", email);
    await page.fill("#f-password", password);
    await page.click("[data-testid=sign-in]");
    await page.waitForURL(/\/app/);
  }
  for (const path of paths) {
    await page.goto(`${base}${path}`);
    await page.waitForSelector("body[data-hydrated=true]", { timeout: 15000 }).catch(() => console.log("not hydrated:", path));
    await page.waitForTimeout(400);
    const file = `${outDir}/${name}${path.replace(/[/?=&]/g, "_") || "_root"}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
  await context.close();
}
await browser.close();
