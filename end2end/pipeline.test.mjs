// The kanban board: moving cards by mouse, by touch (real touch events on a
// phone) and by keyboard, each checked after a full reload; swipes scroll
// instead of dragging; lost and won confirmations; live updates from another
// person; the deal drawer, new leads, filters in the URL, stage settings and
// member scores. Screenshots land in end2end/artifacts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, PHONE, assertAccessible, hydrated, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const ARTISAN = "artisan@comptoir.test";

/** The board as the DOM shows it: one entry per column with its card ids in order. */
async function columns(page) {
  return page.locator("[data-testid=stage-column]").evaluateAll((cols) =>
    cols.map((c) => ({
      id: c.dataset.stageId,
      kind: c.dataset.stageKind,
      name: c.querySelector("h2").textContent.trim(),
      cards: [...c.querySelectorAll("[data-testid=deal-card]")].map((d) => d.dataset.dealId),
    })),
  );
}

/** Where a card is: column name and index. */
function whereIs(board, deal) {
  for (const col of board) {
    const index = col.cards.indexOf(deal);
    if (index >= 0) return { column: col.name, index };
  }
  return null;
}

/** Where the drop placeholder stands now: column name and index among the other cards. */
async function placeholderSlot(page) {
  return page.evaluate(() => {
    const ph = document.querySelector("[data-testid=drop-placeholder]");
    if (!ph) return null;
    const column = ph.closest("[data-testid=stage-column]").querySelector("h2").textContent.trim();
    const items = [...ph.parentElement.children].filter(
      (li) => li === ph || (li.querySelector("[data-testid=deal-card]") && !li.querySelector(".drag-source")),
    );
    return { column, index: items.indexOf(ph) };
  });
}

async function openBoard(page, query = "") {
  await visit(page, `${env.server.base}/app/pipeline${query}`);
  await page.locator("[data-testid=deal-card]").first().waitFor();
}

function center(box) {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A point of `column` where a card would land at `index` (the dragged card excluded). */
async function dropPoint(page, columnName, index, dragged) {
  const column = page.locator("[data-testid=stage-column]", { has: page.getByRole("heading", { name: columnName, exact: true }) });
  const cards = column.locator(`[data-testid=deal-card]:not([data-deal-id="${dragged}"])`);
  const count = await cards.count();
  if (count === 0) return center(await column.locator("ol").boundingBox());
  if (index < count) {
    const box = await cards.nth(index).boundingBox();
    return { x: box.x + box.width / 2, y: box.y + 8 };
  }
  const box = await cards.nth(count - 1).boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height - 4 };
}

function moveResponse(page) {
  return page.waitForResponse((r) => r.url().includes("/api/move_deal"));
}

test("desktop: a card dragged with the mouse lands where the placeholder showed, also after reload", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  const before = await columns(page);
  assert.deepEqual(
    before.map((c) => [c.name, c.kind]),
    [["Nouveau", "open"], ["En contact", "open"], ["Devis", "open"], ["Gagné", "won"], ["Perdu", "lost"]],
  );
  await shot(page, "desktop-pipeline");
  const deal = before[0].cards[0];
  const card = page.locator(`[data-deal-id="${deal}"]`);
  const start = center(await card.boundingBox());
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 20, start.y + 5, { steps: 4 });
  const target = await dropPoint(page, "Devis", 1, deal);
  await page.mouse.move(target.x, target.y, { steps: 12 });
  await page.locator(".drag-ghost").waitFor();
  assert.deepEqual(await placeholderSlot(page), { column: "Devis", index: 1 });
  await shot(page, "desktop-pipeline-dragging");
  const saved = moveResponse(page);
  await page.mouse.up();
  assert.equal((await saved).status(), 200);
  assert.deepEqual(whereIs(await columns(page), deal), { column: "Devis", index: 1 });
  assert.equal(await page.locator(".drag-ghost").count(), 0);
  await page.reload();
  await hydrated(page);
  assert.deepEqual(whereIs(await columns(page), deal), { column: "Devis", index: 1 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("phone: a long press lifts a card with real touch events; it lands where the placeholder showed, also after reload", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  await shot(page, "phone-pipeline");
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points });

  // Within the first column: the first card goes to the bottom.
  let board = await columns(page);
  const deal = board[0].cards[0];
  const others = board[0].cards.length - 1;
  assert.ok(others >= 1, "the first column needs two cards");
  let start = center(await page.locator(`[data-deal-id="${deal}"]`).boundingBox());
  await touch("touchStart", [start]);
  await page.waitForTimeout(600);
  await page.locator(".drag-ghost").waitFor();
  const target = await dropPoint(page, "Nouveau", others, deal);
  for (let i = 1; i <= 10; i++) {
    await touch("touchMove", [{ x: start.x, y: start.y + ((target.y - start.y) * i) / 10 }]);
    await page.waitForTimeout(16);
  }
  const slot = await placeholderSlot(page);
  assert.deepEqual(slot, { column: "Nouveau", index: others });
  await shot(page, "phone-pipeline-dragging");
  let saved = moveResponse(page);
  await touch("touchEnd", []);
  assert.equal((await saved).status(), 200);
  assert.deepEqual(whereIs(await columns(page), deal), slot);

  // To the next column: drag towards the right edge, the board scrolls by itself.
  board = await columns(page);
  const other = board[0].cards[0];
  start = center(await page.locator(`[data-deal-id="${other}"]`).boundingBox());
  await touch("touchStart", [start]);
  await page.waitForTimeout(600);
  await page.locator(".drag-ghost").waitFor();
  for (let i = 1; i <= 8; i++) {
    await touch("touchMove", [{ x: start.x + ((375 - start.x) * i) / 8, y: start.y }]);
    await page.waitForTimeout(16);
  }
  await page.waitForFunction(() => document.querySelector("[data-board]").scrollLeft > 150, null, { timeout: 5000 });
  await touch("touchMove", [{ x: 200, y: start.y }]);
  await page.waitForTimeout(300);
  const across = await placeholderSlot(page);
  assert.notEqual(across.column, "Nouveau");
  saved = moveResponse(page);
  await touch("touchEnd", []);
  assert.equal((await saved).status(), 200);
  assert.deepEqual(whereIs(await columns(page), other), across);

  const shown = await columns(page);
  await page.reload();
  await hydrated(page);
  board = await columns(page);
  assert.deepEqual(board, shown, "the board after reload is the board the user saw");
  assert.equal(whereIs(board, deal).column, "Nouveau");
  assert.deepEqual(whereIs(board, other), across);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("phone: a vertical swipe that starts on a card scrolls the column and moves nothing", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  // Enough cards for the first column to scroll.
  await page.evaluate(async () => {
    for (let i = 1; i <= 6; i++) {
      const body = new URLSearchParams({
        contact_name: `Client défilement ${i}`,
        phone: "06 11 22 33 44",
        city: "Villeurbanne",
        trade: "Plomberie",
        source: "phone",
      });
      const r = await fetch("/api/create_lead", { method: "POST", body });
      if (!r.ok) throw new Error(await r.text());
    }
  });
  await page.reload();
  await hydrated(page);
  const before = await columns(page);
  const list = page.locator("[data-testid=stage-column]").first().locator("ol");
  assert.ok(await list.evaluate((l) => l.scrollHeight > l.clientHeight + 100), "the column must be scrollable");
  let moves = 0;
  page.on("request", (r) => r.url().includes("/api/move_deal") && moves++);
  const cdp = await page.context().newCDPSession(page);
  const card = page.locator(`[data-deal-id="${before[0].cards[2]}"]`);
  const start = center(await card.boundingBox());
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [start] });
  for (let i = 1; i <= 12; i++) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: start.x, y: start.y - i * 25 }] });
    await page.waitForTimeout(16);
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await page.waitForTimeout(700);
  assert.ok((await list.evaluate((l) => l.scrollTop)) > 100, "the swipe scrolled the column");
  assert.equal(await page.locator(".drag-ghost").count(), 0);
  assert.equal(await page.locator("[data-testid=deal-drawer]").count(), 0, "a swipe is not a tap");
  assert.equal(moves, 0);
  assert.deepEqual(await columns(page), before);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("keyboard: space lifts, arrows move, space drops, every step announced; kept after reload", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  const announcer = page.locator("[data-testid=board-announcer]");
  let board = await columns(page);
  const deal = board[1].cards[0];
  const card = page.locator(`[data-deal-id="${deal}"]`);
  await card.focus();
  await page.keyboard.press("Space");
  await assert.doesNotReject(announcer.getByText(/soulevée/).waitFor());
  await page.keyboard.press("ArrowRight");
  await announcer.getByText(/Colonne « Devis », position 1/).waitFor();
  await page.keyboard.press("ArrowDown");
  await announcer.getByText(/Colonne « Devis », position 2/).waitFor();
  await page.waitForFunction((id) => document.activeElement?.dataset.dealId === id, deal); // focus follows the card
  const saved = moveResponse(page);
  await page.keyboard.press("Space");
  assert.equal((await saved).status(), 200);
  await announcer.getByText(/déposée\. Colonne « Devis », position 2/).waitFor();
  assert.deepEqual(whereIs(await columns(page), deal), { column: "Devis", index: 1 });

  // Escape puts a lifted card back.
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Escape");
  await announcer.getByText(/Déplacement annulé/).waitFor();
  assert.deepEqual(whereIs(await columns(page), deal), { column: "Devis", index: 1 });

  await page.reload();
  await hydrated(page);
  board = await columns(page);
  assert.deepEqual(whereIs(board, deal), { column: "Devis", index: 1 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** Moves a card with the keyboard `right` columns to the right. */
async function keyboardMove(page, deal, right) {
  await page.locator(`[data-deal-id="${deal}"]`).focus();
  await page.keyboard.press("Space");
  for (let i = 0; i < right; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
}

test("moving to Perdu asks for the reason, to Gagné for confirmation; cancelling puts the card back", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  let board = await columns(page);
  const lost = board[2].cards[0];
  await keyboardMove(page, lost, 2);
  const dialog = page.locator("[data-testid=lost-dialog]");
  await dialog.waitFor();
  await page.click("[data-testid=confirm-lost]");
  await dialog.getByText("Choisissez ou écrivez une raison.").waitFor();
  await shot(page, "desktop-pipeline-lost-reason");
  await dialog.getByText("Autre raison").click();
  await page.fill("#lost-reason-text", "Le client a déménagé");
  const saved = moveResponse(page);
  await page.click("[data-testid=confirm-lost]");
  assert.equal((await saved).status(), 200);
  await page.locator(`[data-deal-id="${lost}"]`).getByText("Le client a déménagé").waitFor();
  assert.equal(whereIs(await columns(page), lost).column, "Perdu");

  board = await columns(page);
  const cancelled = board[2].cards[0];
  await keyboardMove(page, cancelled, 1);
  await page.locator("[data-testid=won-dialog]").waitFor();
  await page.keyboard.press("Escape");
  await page.locator("[data-testid=won-dialog]").waitFor({ state: "detached" });
  assert.equal(whereIs(await columns(page), cancelled).column, "Devis");

  await keyboardMove(page, cancelled, 1);
  await page.locator("[data-testid=won-dialog]").waitFor();
  await shot(page, "desktop-pipeline-won");
  await page.click("[data-testid=confirm-won]");
  await page.getByText("le chantier est ouvert").waitFor();
  await page.reload();
  await hydrated(page);
  board = await columns(page);
  assert.equal(whereIs(board, lost).column, "Perdu");
  assert.equal(whereIs(board, cancelled).column, "Gagné");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("another person's move appears without reload", async () => {
  const watcher = await newPage(env.browser, DESKTOP);
  await signIn(watcher, env.server.base, "compta@comptoir.test");
  await openBoard(watcher);
  await watcher.waitForTimeout(500); // the event stream connects after hydration
  const owner = await newPage(env.browser, DESKTOP);
  await signIn(owner, env.server.base, ARTISAN);
  await openBoard(owner);
  const board = await columns(owner);
  const deal = board[0].cards[0];
  const saved = moveResponse(owner);
  await keyboardMove(owner, deal, 1);
  assert.equal((await saved).status(), 200);
  await watcher
    .locator("[data-testid=stage-column]", { has: watcher.getByRole("heading", { name: "En contact", exact: true }) })
    .locator(`[data-deal-id="${deal}"]`)
    .waitFor({ timeout: 5000 });
  // Accounting reads the board but cannot move cards.
  await watcher.locator(`[data-deal-id="${deal}"]`).focus();
  await watcher.keyboard.press("Space");
  await watcher.keyboard.press("ArrowRight");
  await watcher.keyboard.press("Space");
  await watcher.getByText("Votre rôle ne permet pas de déplacer les cartes.").waitFor();
  assert.equal(whereIs(await columns(watcher), deal).column, "En contact");
  assert.deepEqual(watcher.errors, []);
  await watcher.context().close();
  await owner.context().close();
});

test("a new lead with a bad phone is refused where it was typed, then lands on top of Nouveau; the drawer works", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  await page.click("[data-testid=new-lead]");
  await page.locator("[data-testid=new-lead-dialog]").waitFor();
  await page.fill("#f-contact_name", "Nathalie Girard");
  await page.fill("#f-phone", "12");
  await page.fill("#f-city", "Caluire-et-Cuire");
  await page.fill("#f-description", "Chauffe-eau de 200 L qui fuit par la soupape, à remplacer cette semaine.");
  await page.fill("#f-budget", "1 800");
  await page.click("[data-testid=create-lead]");
  const phone = page.locator("#f-phone");
  assert.equal(await phone.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f-phone");
  await shot(page, "phone-pipeline-new-lead-error");
  await page.fill("#f-phone", "06 72 18 44 90");
  await page.click("[data-testid=create-lead]");
  await page.locator("[data-testid=new-lead-dialog]").waitFor({ state: "detached" });
  const first = page.locator("[data-testid=stage-column]").first().locator("[data-testid=deal-card]").first();
  await first.getByText("Nathalie Girard").waitFor();

  await first.click();
  const drawer = page.locator("[data-testid=deal-drawer]");
  await drawer.locator("[data-testid=drawer-body]").waitFor();
  assert.equal(await drawer.locator("[data-testid=call]").getAttribute("href"), "tel:+33672184490");
  await shot(page, "phone-pipeline-drawer");
  await drawer.locator("[data-testid=mark-contacted]").click();
  await drawer.locator("[data-testid=stage-history]").getByText("En contact").waitFor();
  await drawer.locator("textarea").fill("Rappeler jeudi après 18 h, code portail 4512.");
  await drawer.locator("[data-testid=add-note]").click();
  await drawer.locator("[data-testid=notes]").getByText("code portail 4512").waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "f-body"); // focus back in the note field
  await page.keyboard.press("Escape");
  await drawer.waitFor({ state: "detached" });
  await page.reload();
  await hydrated(page);
  const board = await columns(page);
  const moved = page.locator("[data-testid=deal-card]", { hasText: "Nathalie Girard" });
  assert.equal(whereIs(board, await moved.getAttribute("data-deal-id")).column, "En contact");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("filters and sort live in the URL and survive a reload", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await openBoard(page);
  // Scores as the open columns show them; pick a temperature that keeps some cards, not all.
  const scores = await page
    .locator("[data-stage-kind=open] [data-testid=deal-card]")
    .evaluateAll((cards) => cards.map((c) => Number(c.dataset.score)));
  const ranges = { hot: [70, 100], warm: [40, 69], cold: [0, 39] };
  const inRange = ([lo, hi]) => scores.filter((s) => s >= lo && s <= hi).length;
  const [temperature, range] = Object.entries(ranges).find(([, r]) => inRange(r) > 0 && inRange(r) < scores.length);
  const expected = inRange(range);
  await page.selectOption("#board-score", temperature);
  await page.waitForURL(/_score=/);
  await page.selectOption("#board-sort", "score");
  await page.waitForURL(/sort=score/);
  await hydrated(page);
  const shown = async () =>
    page
      .locator("[data-stage-kind=open] [data-testid=deal-card]")
      .evaluateAll((cards) => cards.map((c) => Number(c.dataset.score)));
  await page.waitForFunction((n) => document.querySelectorAll("[data-stage-kind=open] [data-testid=deal-card]").length === n, expected);
  let filtered = await shown();
  assert.ok(filtered.every((s) => s >= range[0] && s <= range[1]), filtered.join(","));
  const url = page.url();
  await page.reload();
  await hydrated(page);
  assert.equal(page.url(), url);
  assert.equal(await page.locator("#board-score").inputValue(), temperature);
  filtered = await shown();
  assert.equal(filtered.length, expected);
  // Sorted by score within each open column.
  const columnsScores = await page
    .locator("[data-stage-kind=open]")
    .evaluateAll((cols) =>
      cols.map((c) => [...c.querySelectorAll("[data-testid=deal-card]")].map((d) => Number(d.dataset.score))),
    );
  for (const col of columnsScores) assert.deepEqual(col, [...col].sort((a, b) => b - a));
  await page.fill("#board-q", "zzz-personne");
  await page.keyboard.press("Enter");
  await page.waitForURL(/q=zzz-personne/);
  await page.locator("[data-testid=stage-column]").first().getByText("Aucune carte").waitFor();
  await page.context().close();
});

test("an admin adds, renames and removes a stage; the board follows", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await visit(page, `${env.server.base}/app/pipeline/settings`);
  const settings = page.locator("[data-testid=stage-settings]");
  await settings.waitFor();
  const form = page.locator("[data-testid=add-stage-form]");
  await form.locator("input[name=name]").fill("Visite technique");
  await form.locator("button[type=submit]").click();
  await settings.locator("span", { hasText: "Visite technique" }).waitFor();
  await shot(page, "desktop-pipeline-settings");
  await assertAccessible(page, "pipeline settings");
  await openBoard(page);
  const names = (await columns(page)).map((c) => c.name);
  assert.ok(names.includes("Visite technique"), names.join(", "));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a member's profile shows reactivity and conversion scores", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, ARTISAN);
  await visit(page, `${env.server.base}/app/members`);
  await page.locator("a[href^='/app/members/']").first().click();
  await page.locator("[data-testid=member-score]").waitFor();
  assert.match(await page.locator("[data-testid=member-score]").innerText(), /\d/);
  await shot(page, "desktop-member-profile");
  await assertAccessible(page, "member profile");
  await page.context().close();
});

for (const [device, label] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
  test(`${label}: the board and its dialogs are accessible in both themes`, async () => {
    const page = await newPage(env.browser, device);
    await signIn(page, env.server.base, ARTISAN);
    for (const theme of ["dark", "light"]) {
      await page.context().addCookies([{ name: "comptoir_theme", value: theme, url: env.server.base }]);
      await openBoard(page);
      await assertAccessible(page, `${label} ${theme} board`);
      await shot(page, `${label}-${theme}-pipeline`);
      await page.locator("[data-testid=deal-card]").first().click();
      await page.locator("[data-testid=drawer-body]").waitFor();
      await assertAccessible(page, `${label} ${theme} drawer`);
      await shot(page, `${label}-${theme}-pipeline-drawer`);
      await page.keyboard.press("Escape");
      await page.click("[data-testid=new-lead]");
      await page.locator("[data-testid=new-lead-form]").waitFor();
      await assertAccessible(page, `${label} ${theme} new lead`);
      await page.keyboard.press("Escape");
    }
    await page.context().close();
  });
}
