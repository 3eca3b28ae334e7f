// Every page passes axe-core's WCAG 2.1 AA rules, in both themes, on desktop
// and on a phone; screenshots are kept in end2end/artifacts.
import { after, before, test } from "node:test";
import { startServer } from "./support/server.mjs";
import { DESKTOP, PHONE, assertAccessible, hydrated, launch, newPage, shot, signIn, visit } from "./support/helpers.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const PUBLIC = ["/login", "/signup", "/auth/forgot", "/confidentialite"];
const OWNER = ["/app", "/app/members", "/app/audit", "/app/outbox", "/app/security", "/app/settings", "/app/more"];

for (const [device, label] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
  test(`${label}: public pages are accessible`, async () => {
    const page = await newPage(browser, device);
    for (const path of PUBLIC) {
      await visit(page, `${server.base}${path}`);
      await assertAccessible(page, `${label} ${path}`);
      await shot(page, `${label}${path.replaceAll("/", "-")}`);
    }
    await page.context().close();
  });

  test(`${label}: signed-in pages are accessible in the dark and light themes`, async () => {
    const page = await newPage(browser, device);
    await signIn(page, server.base, "artisan@comptoir.test");
    for (const theme of ["dark", "light"]) {
      await page.context().addCookies([{ name: "comptoir_theme", value: theme, url: server.base }]);
      for (const path of OWNER) {
        await visit(page, `${server.base}${path}`);
        await page.waitForLoadState("networkidle");
        await assertAccessible(page, `${label} ${theme} ${path}`);
        await shot(page, `${label}-${theme}${path.replaceAll("/", "-")}`);
      }
    }
    await page.context().close();
  });
}

test("platform admin page is accessible", async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.base, "admin@comptoir.test");
  await visit(page, `${server.base}/admin`);
  await page.locator("[data-testid=admin-workspaces]").waitFor();
  await assertAccessible(page, "admin");
  await shot(page, "desktop-admin");
  await page.context().close();
});
