// Jobs in the field on a phone: a workshop's quality control (a measure out
// of its bounds kept with a warning, a non-conformity), the steps editor,
// then the network cut: captures kept on the device, the page reloaded
// twice, everything sent once when the network returns; the report. Then
// the bar: 50 validations and 20 photos across 5 jobs offline, all arriving
// once.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { ARTIFACTS, DESKTOP, PHONE, assertAccessible, hydrated, newPage, serverAndBrowser, shot, signIn, visit } from "./support/helpers.mjs";

const env = serverAndBrowser();
const WORKSHOP = "atelier@comptoir.test";

/** A JPEG made in the page (a fixture photo). */
async function fixturePhoto(page, hue = 30) {
  const url = await page.evaluate((hue) => {
    const c = document.createElement("canvas");
    c.width = 800;
    c.height = 600;
    const g = c.getContext("2d");
    g.fillStyle = `hsl(${hue} 45% 55%)`;
    g.fillRect(0, 0, 800, 600);
    g.fillStyle = "#eee";
    g.fillRect(200, 150, 300, 200);
    return c.toDataURL("image/jpeg", 0.85);
  }, hue);
  return Buffer.from(url.split(",")[1], "base64");
}

/** Waits until the service worker controls the page (reloading once). */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
    await hydrated(page);
  }
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), "the service worker controls the page");
}

async function syncState(page) {
  const s = page.locator("[data-testid=sync-status]");
  return { pending: Number(await s.getAttribute("data-pending")), online: await s.getAttribute("data-online") };
}

async function waitPending(page, n, timeout = 60_000) {
  await page.waitForFunction(
    (n) => document.querySelector("[data-testid=sync-status]")?.dataset.pending === String(n),
    n,
    { timeout },
  );
}

/** Calls a server function as the page (its session) would. */
async function api(page, name, { form, json }) {
  const r = await page.request.post(`${env.server.base}/api/${name}`, {
    headers: { origin: env.server.base, ...(json ? { "content-type": "application/json" } : {}) },
    ...(json ? { data: json } : { form }),
  });
  assert.ok(r.ok(), `${name}: ${r.status()} ${await r.text()}`);
  return r.json();
}

async function stepOf(page, name) {
  return page.locator("[data-testid=job-step]", { hasText: name });
}

test("a workshop's job on a phone: quality control, a non-conformity, offline captures sent once, the report", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, WORKSHOP);
  await controlled(page);
  await visit(page, `${env.server.base}/app/jobs`);
  const row = page.locator("[data-testid=job-row]").first();
  await row.waitFor();
  await row.click();
  await page.waitForURL(/\/app\/jobs\/[0-9a-f-]{36}$/);
  const jobUrl = page.url();
  await page.locator("[data-testid=job-step]").first().waitFor();
  assert.equal(await page.locator("[data-testid=job-step]").count(), 8);

  // Reception: its checklist first; a strict count of zero is refused where it was typed.
  const reception = await stepOf(page, "Réception des pièces");
  await reception.locator("[data-testid=validate-step]").click();
  await page.getByText("Répondez d'abord à la liste de contrôle").first().waitFor();
  const items = reception.locator("[data-testid=checklist-item]");
  await items.nth(0).getByRole("button", { name: "Conforme", exact: true }).click();
  await items.nth(0).and(page.locator("[data-state=ok]")).waitFor();
  const count = reception.locator("[data-testid=checklist-item]").nth(1);
  await count.locator("input").fill("0");
  await count.getByRole("button", { name: "Enregistrer" }).click();
  await count.getByText("hors des limites").waitFor();
  assert.equal(await count.getAttribute("data-state"), "todo");
  await count.locator("input").fill("12");
  await count.getByRole("button", { name: "Enregistrer" }).click();
  await page.locator("[data-testid=checklist-item][data-state=ok]").nth(1).waitFor();
  for (const name of ["Réception des pièces", "Dégraissage", "Sablage", "Masquage", "Application"]) {
    const step = await stepOf(page, name);
    if ((await step.getAttribute("data-state")) === "todo") {
      await step.locator("[data-testid=validate-step]").click();
      await page.locator("[data-testid=job-step][data-state=done]", { hasText: name }).waitFor();
    }
  }
  const cuisson = await stepOf(page, "Cuisson");
  for (const [n, value] of [[0, "180"], [1, "15"]]) {
    const item = cuisson.locator("[data-testid=checklist-item]").nth(n);
    await item.locator("input").fill(value);
    await item.getByRole("button", { name: "Enregistrer" }).click();
    await (await stepOf(page, "Cuisson")).locator(`[data-testid=checklist-item][data-state=ok]`).nth(n).waitFor();
  }
  await (await stepOf(page, "Cuisson")).locator("[data-testid=validate-step]").click();
  await page.locator("[data-testid=job-step][data-state=done]", { hasText: "Cuisson" }).waitFor();
  // The film is too thick: kept, flagged.
  const qc = await stepOf(page, "Contrôle qualité");
  const film = qc.locator("[data-testid=checklist-item]").first();
  await film.locator("input").fill("150");
  await film.getByRole("button", { name: "Enregistrer" }).click();
  await page.locator("[data-testid=checklist-item][data-state=warning]").waitFor();
  await page.locator("[data-testid=check-warning]").waitFor();
  // A non-conformity, counted by kind.
  await page.locator("[data-testid=declare-nonconformity] summary").click();
  await page.selectOption("#nc-kind", "measure");
  await page.selectOption("#nc-step", { label: "Contrôle qualité" });
  await page.fill("#nc-comment", "Épaisseur du film à 150 µm sur la face avant");
  await page.fill("#nc-action", "Poncer et recouvrir d'une couche");
  await page.locator("[data-testid=save-nonconformity]").click();
  await page.locator("[data-testid=nonconformity]").waitFor();
  assert.match(await page.locator("[data-testid=nonconformity-count]").textContent(), /1 déclarée/);
  await shot(page, "phone-job-quality-control");
  await assertAccessible(page, "job page with a checklist");

  // The network goes: answers, validations and a photo stay on the phone.
  await page.context().setOffline(true);
  await page.locator("[data-testid=sync-status][data-online=false]").waitFor();
  assert.equal((await syncState(page)).pending, 0);
  const film2 = (await stepOf(page, "Contrôle qualité")).locator("[data-testid=checklist-item]").first();
  await film2.locator("input").fill("95");
  await film2.getByRole("button", { name: "Enregistrer" }).click();
  await waitPending(page, 1);
  const checks = (await stepOf(page, "Contrôle qualité")).locator("[data-testid=checklist-item]");
  await checks.nth(1).getByRole("button", { name: "Conforme", exact: true }).click();
  await waitPending(page, 2);
  await checks.nth(2).getByRole("button", { name: "Conforme", exact: true }).click();
  await waitPending(page, 3);
  await checks.nth(3).locator("textarea").fill("Reprise faite, aspect conforme");
  await checks.nth(3).getByRole("button", { name: "Enregistrer" }).click();
  await waitPending(page, 4);
  await (await stepOf(page, "Contrôle qualité")).locator("[data-testid=validate-step]").click();
  await page.locator("[data-testid=job-step][data-pending=true]", { hasText: "Contrôle qualité" }).waitFor();
  await page.selectOption("#photo-tag", "after");
  await page.locator("[data-testid=photo-input]").setInputFiles({ name: "apres.jpg", mimeType: "image/jpeg", buffer: await fixturePhoto(page, 200) });
  await waitPending(page, 6);
  await page.locator("[data-testid=photos-waiting]").waitFor();
  await shot(page, "phone-offline-pending", { fullPage: false });
  await assertAccessible(page, "job page offline with captures waiting");
  // Reloaded twice without network: the kept page, the captures still waiting.
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await hydrated(page);
    await waitPending(page, 6);
    await page.locator("[data-testid=job-step][data-pending=true]", { hasText: "Contrôle qualité" }).waitFor();
  }
  // Back online: everything goes, once.
  await page.context().setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await waitPending(page, 0);
  await page.locator("[data-testid=job-step][data-state=done]", { hasText: "Contrôle qualité" }).waitFor({ timeout: 20_000 });
  await visit(page, jobUrl);
  assert.equal(await page.locator("[data-testid=job-step][data-state=done]").count(), 7);
  assert.equal(await page.locator("[data-testid=photo-thumb]").count(), 1);
  assert.equal(await page.locator("[data-testid=checklist-item][data-state=warning]").count(), 0, "95 µm replaced 150 µm");
  const timeline = await page.locator("[data-testid=job-timeline]").textContent();
  assert.equal(timeline.match(/Étape validée : Contrôle qualité/g)?.length, 1);
  assert.equal(timeline.match(/Photo ajoutée/g)?.length, 1);

  // The last step, the job done, its report.
  await (await stepOf(page, "Prêt à être retiré")).locator("[data-testid=validate-step]").click();
  await page.locator("[data-testid=job-step][data-state=done]", { hasText: "Prêt à être retiré" }).waitFor();
  await page.locator("[data-testid=job-move]", { hasText: "Terminer" }).click();
  await page.locator("[data-testid=job-status][data-status=done]").waitFor();
  const href = await page.locator("[data-testid=job-report]").getAttribute("href");
  const report = await page.request.get(`${env.server.base}${href}`);
  assert.equal(report.status(), 200);
  const pdf = await report.body();
  assert.equal(pdf.subarray(0, 4).toString(), "%PDF");
  writeFileSync(`${ARTIFACTS}/job-report.pdf`, pdf);
  execFileSync("pdftoppm", ["-png", "-r", "70", "-f", "1", "-l", "1", `${ARTIFACTS}/job-report.pdf`, `${ARTIFACTS}/job-report`]);
  const text = execFileSync("pdftotext", ["-layout", `${ARTIFACTS}/job-report.pdf`, "-"]).toString();
  for (const expected of ["Rapport de fin de projet", "Épaisseur du film", "95 µm", "Mesure hors tolérance"]) {
    assert.ok(text.includes(expected), `${expected} in the report`);
  }
  await page.context().close();
});

test("the steps editor: a measure with its bounds, refused when upside down, used by the next job", async () => {
  const page = await newPage(env.browser, DESKTOP);
  await signIn(page, env.server.base, WORKSHOP);
  await visit(page, `${env.server.base}/app/jobs/settings`);
  const steps = page.locator("[data-testid=step-template]");
  await steps.first().waitFor();
  assert.equal(await steps.count(), 8);
  await page.locator("[data-testid=add-step]").click();
  const added = steps.nth(8);
  await added.locator("input[type=text]").first().fill("Emballage");
  await added.getByRole("button", { name: "+ Ajouter un point de contrôle" }).click();
  await added.getByLabel("Point de contrôle").fill("Poids du colis");
  await added.getByLabel("Réponse").selectOption("number");
  await added.getByLabel("Unité").fill("kg");
  await added.getByLabel("Minimum").fill("30");
  await added.getByLabel("Maximum").fill("2,5");
  await page.locator("[data-testid=save-step-templates]").click();
  await added.getByText("le maximum est sous le minimum").waitFor();
  await added.getByLabel("Minimum").fill("0,5");
  await page.locator("[data-testid=save-step-templates]").click();
  await page.getByText("Étapes enregistrées").waitFor();
  await shot(page, "desktop-step-templates");
  await assertAccessible(page, "steps editor");
  await visit(page, `${env.server.base}/app/jobs/settings`);
  await page.getByText("Étapes propres à votre espace.").waitFor();
  assert.equal(await page.locator("[data-testid=step-template]").count(), 9);
  await page.context().close();
});

test("offline bar: 50 validations and 20 photos across 5 jobs, reloaded twice offline, all arrive once", async () => {
  const page = await newPage(env.browser, PHONE);
  await signIn(page, env.server.base, "commercial@comptoir.test");
  await controlled(page);
  // Ten plain steps for the next jobs, then five won deals.
  const steps = Array.from({ length: 10 }, (_, i) => ({ name: `Étape ${i + 1}`, requires_photo: false, after_previous: false, checks: [] }));
  await api(page, "save_step_templates", { json: { steps } });
  const board = await api(page, "fetch_board", { form: {} });
  const won = board.columns.find((c) => c.stage.kind === "won").stage.id;
  const jobs = [];
  for (let i = 0; i < 5; i++) {
    const card = await api(page, "create_lead", { form: { contact_name: `Client hors ligne ${i + 1}`, phone: "06 12 34 56 78", trade: "Audit", source: "phone" } });
    await api(page, "move_deal", { form: { deal_id: card.id, stage_id: won } });
  }
  const list = await api(page, "fetch_jobs", { json: { filter: { period: "all", search: "hors ligne" } } });
  assert.equal(list.rows.length, 5);
  for (const r of list.rows) jobs.push(`${env.server.base}/app/jobs/${r.id}`);
  // Each job opened once online: the phone keeps it.
  for (const url of jobs) {
    await visit(page, url);
    await page.locator("[data-testid=job-step]").first().waitFor();
  }
  const photo = await fixturePhoto(page, 120);
  await page.context().setOffline(true);
  let expected = 0;
  for (const url of jobs) {
    await visit(page, url);
    for (let s = 0; s < 10; s++) {
      await page.locator("[data-testid=job-step][data-pending=false] [data-testid=validate-step]").first().click();
      expected += 1;
      await waitPending(page, expected);
    }
    for (let p = 0; p < 4; p++) {
      await page.locator("[data-testid=photo-input]").setInputFiles({ name: `photo-${p}.jpg`, mimeType: "image/jpeg", buffer: photo });
      expected += 1;
      await waitPending(page, expected);
    }
  }
  assert.equal(expected, 70);
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await hydrated(page);
    await waitPending(page, 70);
  }
  const started = Date.now();
  await page.context().setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await waitPending(page, 0, 180_000);
  const seconds = (Date.now() - started) / 1000;
  console.log(`offline bar: 70 captures (50 validations, 20 photos) synced in ${seconds.toFixed(1)} s`);
  assert.equal((await page.locator("[data-testid=sync-problem]").count()), 0, "nothing refused");
  for (const url of jobs) {
    const id = url.split("/").pop();
    const job = await api(page, "fetch_job", { form: { id } });
    assert.equal(job.steps.filter((s) => s.validated_at).length, 10, url);
    assert.equal(job.photos.length, 4, url);
    assert.equal(job.timeline.filter((t) => t.what.startsWith("Étape validée")).length, 10, "each validation once in the audit trail");
    assert.equal(job.timeline.filter((t) => t.what === "Photo ajoutée").length, 4, "each photo once in the audit trail");
  }
  await page.context().close();
});
