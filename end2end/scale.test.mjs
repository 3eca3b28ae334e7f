// Two server processes on one PostgreSQL database, as behind a load
// balancer: a card moved through the first appears live in a browser served
// by the second. (Skipped when PostgreSQL does not answer on 127.0.0.1:5432.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createConnection } from "node:net";
import { after, before, test } from "node:test";
import { DESKTOP, hydrated, launch, newPage, signIn, visit } from "./support/helpers.mjs";
import { startServer } from "./support/server.mjs";

const PG = process.env.TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const NAME = `comptoir_e2e_${process.pid}`;
const env = {};

function reachable() {
  return new Promise((ok) => {
    const socket = createConnection({ host: "127.0.0.1", port: 5432 });
    socket.once("connect", () => (socket.end(), ok(true)));
    socket.once("error", () => ok(false));
  });
}

function psql(sql) {
  execFileSync("psql", [PG, "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "inherit" });
}

before(async () => {
  env.pg = await reachable();
  if (!env.pg) return;
  psql(`CREATE DATABASE ${NAME}`);
  const url = PG.replace(/\/[^/]*$/, `/${NAME}`);
  env.first = await startServer({ databaseUrl: url, demo: true });
  env.second = await startServer({ databaseUrl: url, demo: false });
  env.browser = await launch();
});

after(async () => {
  await env.browser?.close();
  await env.second?.stop();
  await env.first?.stop();
  if (env.pg) psql(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
});

async function cardsOf(page, column) {
  return page
    .locator("[data-testid=stage-column]", { has: page.getByRole("heading", { name: column, exact: true }) })
    .locator("[data-testid=deal-card]")
    .evaluateAll((cards) => cards.map((c) => c.dataset.dealId));
}

test("a card moved through the first instance appears live on the second", async (t) => {
  if (!env.pg) return t.skip("PostgreSQL not reachable");
  const watcher = await newPage(env.browser, DESKTOP);
  await signIn(watcher, env.second.base, "compta@comptoir.test");
  await visit(watcher, `${env.second.base}/app/pipeline`);
  await watcher.locator("[data-testid=deal-card]").first().waitFor();
  await watcher.waitForTimeout(500); // the event stream connects after hydration

  const mover = await newPage(env.browser, DESKTOP);
  await signIn(mover, env.first.base, "artisan@comptoir.test");
  await visit(mover, `${env.first.base}/app/pipeline`);
  await hydrated(mover);
  const deal = (await cardsOf(mover, "Nouveau"))[0];
  assert.ok(deal, "a card to move");
  const saved = mover.waitForResponse((r) => r.url().includes("/api/move_deal"));
  await mover.locator(`[data-deal-id="${deal}"]`).focus();
  await mover.keyboard.press("Space");
  await mover.keyboard.press("ArrowRight");
  await mover.keyboard.press("Space");
  assert.equal((await saved).status(), 200);

  await watcher
    .locator("[data-testid=stage-column]", { has: watcher.getByRole("heading", { name: "En contact", exact: true }) })
    .locator(`[data-deal-id="${deal}"]`)
    .waitFor({ timeout: 10_000 });
  assert.deepEqual(watcher.errors, []);
  assert.deepEqual(mover.errors, []);
  await watcher.context().close();
  await mover.context().close();
});
