// Which element is the Largest Contentful Paint, and when, with 4x CPU
// throttling (debug aid for the Lighthouse mobile score).
import { chromium } from "playwright-core";
import { launchOptions } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const server = await startServer();
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
const cdp = await page.context().newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
await page.addInitScript(() => {
  window.__lcp = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__lcp.push({ t: Math.round(e.startTime), tag: e.element?.tagName, text: (e.element?.textContent || "").slice(0, 40), size: e.size });
  }).observe({ type: "largest-contentful-paint", buffered: true });
});
for (const path of process.argv.slice(2)) {
  await page.goto(`${server.base}${path}`);
  await page.waitForSelector("body[data-hydrated=true]");
  await page.waitForTimeout(1500);
  const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
  console.log(path, "FCP", Math.round(fcp), JSON.stringify(await page.evaluate(() => window.__lcp)));
}
await browser.close();
await server.stop();
