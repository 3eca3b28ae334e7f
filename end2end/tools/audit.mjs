// Lighthouse scores (performance, accessibility, best practices, SEO) for the
// main pages, mobile and desktop, against the release build.
// Usage: COMPTOIR_SERVER_BIN=… node end2end/tools/audit.mjs [PATH…] (default: every page below)
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import * as chromeLauncher from "chrome-launcher";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const server = await startServer();
const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: ["--headless=new", ...CHROMIUM_ARGS] });

async function sessionCookie(email) {
  const body = new URLSearchParams({ email, password: "Comptoir-Demo-2026" });
  const r = await fetch(`${server.base}/api/sign_in`, {
    method: "POST",
    body,
    headers: { origin: server.base, "content-type": "application/x-www-form-urlencoded" },
  });
  return r.headers.get("set-cookie").split(";")[0];
}

const cookie = await sessionCookie("artisan@comptoir.test");
const admin = await sessionCookie("admin@comptoir.test");
const all = [
  ["/login", null],
  ["/signup", null],
  ["/app", cookie],
  ["/app/pipeline", cookie],
  ["/app/pipeline/settings", cookie],
  ["/app/members", cookie],
  ["/app/audit", cookie],
  ["/app/outbox", cookie],
  ["/app/invoices", cookie],
  ["/app/accounting", cookie],
  ["/app/einvoicing", cookie],
  ["/demande", null],
  ["/admin/artisans", admin],
];
const only = process.argv.slice(2);
const pages = only.length ? all.filter(([path]) => only.includes(path)) : all;
const rows = [];
try {
  for (const [form, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
    for (const [path, auth] of pages) {
      const flags = {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
        extraHeaders: auth ? { Cookie: auth } : undefined,
      };
      const result = await lighthouse(`${server.base}${path}`, flags, config);
      const c = result.lhr.categories;
      const score = (k) => Math.round(c[k].score * 100);
      rows.push({ form, path, performance: score("performance"), accessibility: score("accessibility"), "best-practices": score("best-practices"), seo: score("seo") });
      const metric = (id) => result.lhr.audits[id]?.displayValue ?? "-";
      console.log(`${form.padEnd(8)} ${path.padEnd(24)} perf ${score("performance")}  a11y ${score("accessibility")}  best ${score("best-practices")}  seo ${score("seo")}   FCP ${metric("first-contentful-paint")}  LCP ${metric("largest-contentful-paint")}  TBT ${metric("total-blocking-time")}  CLS ${metric("cumulative-layout-shift")}  SI ${metric("speed-index")}`);
      for (const [id, audit] of Object.entries(result.lhr.audits)) {
        if (audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== "informative" && audit.scoreDisplayMode !== "manual") {
          console.log(`           ↳ ${id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ""}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
  await server.stop();
}
