// What a browser downloads for a page, compressed as served: every request
// (HTML, CSS, JS, WASM chunks, icons, manifest, service worker) until the page
// is hydrated and the network is idle, on a first visit (empty cache).
// Usage: COMPTOIR_SERVER_BIN=… node end2end/tools/weight.mjs [--as=EMAIL] [--bar=KB] /login /signup …
// `/app/jobs/{job}` weighs the signed-in member's first job; `--photos=N` first
// gives it N photos (the 512 px icon, through `add_job_photo`), and the figure
// before images (thumbnails, loaded lazily) is printed apart.
// --as signs in first (demo password); pages with charts count until every
// chart is drawn by the server (their live connection keeps the network busy
// forever), then say what pointing at a chart adds (the interactive library).
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { launchOptions } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const signInAs = option("as");
const bar = Number(option("bar") || 250);
const photos = Number(option("photos") || 0);
const given = args.filter((a) => !a.startsWith("--"));
const paths = given.length ? given : ["/login"];
const server = await startServer();
const browser = await chromium.launch(launchOptions());
try {
  for (let path of paths) {
    // Service workers blocked: once one controls the page, the files it fetches
    // for the page are not seen here (its own precache never was).
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "fr-FR", serviceWorkers: "block" });
    if (signInAs) {
      const reply = await context.request.post(`${server.base}/api/sign_in`, {
        form: { email: signInAs, password: "Comptoir-Demo-2026" },
        headers: { origin: server.base, "sec-fetch-site": "same-origin" },
      });
      if (!reply.ok()) throw new Error(`sign-in as ${signInAs} failed: ${reply.status()}`);
    }
    if (path.includes("{job}")) {
      const call = async (name, json) => {
        const r = await context.request.post(`${server.base}/api/${name}`, { data: json, headers: { origin: server.base, "content-type": "application/json" } });
        if (!r.ok()) throw new Error(`${name}: ${r.status()} ${await r.text()}`);
        return r.json();
      };
      const list = await call("fetch_jobs", { filter: { period: "all" } });
      const job = list.rows[0].id;
      const png = readFileSync(new URL("../../public/icons/icon-512.png", import.meta.url)).toString("base64");
      for (let i = 0; i < photos; i++) {
        await call("add_job_photo", { photo: { capture: crypto.randomUUID(), job, step: null, tag: "during", file: `data:image/png;base64,${png}`, captured_at: null } });
      }
      if (photos) console.log(`${photos} photos added to job ${job}`);
      path = path.replace("{job}", job);
    }
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const requests = new Map();
    cdp.on("Network.responseReceived", (e) => {
      requests.set(e.requestId, { url: e.response.url, encoding: e.response.headers["content-encoding"] || e.response.headers["Content-Encoding"] || "identity", bytes: 0 });
    });
    cdp.on("Network.loadingFinished", (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await page.goto(`${server.base}${path}`);
    // The public request form is plain HTML (no WASM, nothing to hydrate).
    if (!path.startsWith("/demande")) await page.waitForSelector("body[data-hydrated=true]", { timeout: 20_000 });
    if (await page.locator("[data-testid=chart]").count()) {
      await page.waitForFunction(() =>
        [...document.querySelectorAll("[data-testid=chart]")].every((c) => c.querySelector(":scope > svg, canvas")),
      );
      await page.waitForTimeout(1000);
    } else {
      await page.waitForLoadState("networkidle");
    }
    await page.waitForTimeout(500);
    let total = 0;
    const rows = [...requests.values()].filter((r) => r.url.startsWith(server.base));
    rows.sort((a, b) => b.bytes - a.bytes);
    console.log(`\n${path}: ${rows.length} requests`);
    for (const r of rows) {
      total += r.bytes;
      console.log(`  ${String(r.bytes).padStart(8)} B  ${r.encoding.padEnd(8)} ${r.url.replace(server.base, "")}`);
    }
    console.log(`  total ${(total / 1024).toFixed(1)} KB transferred (headers included)   bar: ≤ ${bar} KB`);
    const images = rows.filter((r) => r.url.includes("/job-photos/"));
    if (images.length) {
      const imageBytes = images.reduce((sum, r) => sum + r.bytes, 0);
      console.log(`  before images ${((total - imageBytes) / 1024).toFixed(1)} KB; ${images.length} thumbnails loaded (${(imageBytes / 1024).toFixed(1)} KB)`);
    }
    if (rows.length && (await page.locator("[data-testid=chart]").count())) {
      // Not part of the first visit: pointing at a chart loads the chart library.
      await page.locator("[data-testid=chart]").first().hover();
      await page.waitForFunction(() => document.querySelector("[data-testid=chart]")?.dataset.rendered === "true");
      await page.waitForTimeout(500);
      const after = [...requests.values()].filter((r) => r.url.startsWith(server.base));
      const more = after.reduce((sum, r) => sum + r.bytes, 0) - total;
      console.log(`  then pointing at a chart: +${(more / 1024).toFixed(1)} KB (${after.length - rows.length} requests: the interactive chart library)`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
