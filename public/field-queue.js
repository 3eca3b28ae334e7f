// Comptoir's field queue. Captures made on a phone or a tablet (step
// validations, checklist answers, non-conformities, photos) that could not
// reach the server are kept here, in IndexedDB, until the server answers
// them. Each carries the id the device made for it, and the server records
// what it did with that id: sending one twice changes nothing, so the queue
// may replay freely (when the network returns, on the next app open, every
// 30 s while something waits).
//
// The page reads the queue through `window.comptoirField`: `enqueue`,
// `snapshot` (a JSON string of the state), `retry`, `dismiss`, `clear`,
// `keep` (pages to keep for offline use, through the service worker); it
// listens to `comptoir-sync` (the state changed) and `comptoir-synced`
// (captures reached the server: reload what is shown).
(() => {
  "use strict";
  const DB_NAME = "comptoir-field";
  const STORE = "captures";
  const LAST_SYNC = "comptoir-field-last-sync";
  let opening = null;
  let flushing = null;
  let state = { online: navigator.onLine, pending: 0, failed: [], items: [], last_sync: null };
  let counter = 0;
  // « user:workspace » of the signed-in page: captures are stamped with it
  // and only the matching ones are sent (another person, another workspace:
  // theirs wait for them). Unknown until a signed-in page says it.
  let scope = window.comptoirFieldScope || null;

  function db() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opening;
  }

  function run(mode, work) {
    return db().then(
      (base) =>
        new Promise((resolve, reject) => {
          const tx = base.transaction(STORE, mode);
          const result = work(tx.objectStore(STORE));
          tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        }),
    );
  }

  const all = () => run("readonly", (s) => s.getAll()).then((items) => (items || []).sort((a, b) => a.seq - b.seq));
  const put = (item) => run("readwrite", (s) => s.put(item));
  const remove = (id) => run("readwrite", (s) => s.delete(id));

  function lastSync() {
    try {
      return localStorage.getItem(LAST_SYNC);
    } catch (_) {
      return null;
    }
  }

  function markSynced() {
    const now = new Date().toISOString();
    try {
      localStorage.setItem(LAST_SYNC, now);
    } catch (_) {}
  }

  // « 14:05 », or « 01/12 14:05 » when not today.
  function label(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const time = d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
    const today = new Date().toDateString() === d.toDateString();
    return today ? time : d.toLocaleDateString("fr-FR", { day: "2-digit", month: "2-digit" }) + " " + time;
  }

  async function refresh() {
    let items = [];
    try {
      items = await all();
    } catch (_) {}
    state = {
      online: navigator.onLine,
      pending: items.filter((i) => i.state === "pending").length,
      failed: items
        .filter((i) => i.state !== "pending")
        .map((i) => ({ id: i.id, label: i.label, error: i.error || "", state: i.state })),
      items: items.map((i) => ({
        id: i.id,
        job: i.job,
        kind: i.kind,
        target: i.target || "",
        label: i.label,
        state: i.state,
        error: i.error || "",
        value: i.value || "",
      })),
      last_sync: lastSync(),
      last_sync_label: label(lastSync()),
    };
    window.dispatchEvent(new Event("comptoir-sync"));
  }

  // The server's error (`AppError` as JSON) in French, or a fallback.
  function reason(body, status) {
    if (body && body.kind === "validation" && Array.isArray(body.detail) && body.detail.length) {
      return body.detail[0].message;
    }
    if (body && typeof body.detail === "string" && body.detail) return body.detail;
    if (status === 404) return "Élément introuvable (supprimé, ou d'un autre espace).";
    if (status === 403) return "Vous n'avez pas les droits pour cette action.";
    if (status === 401) return "Session expirée : reconnectez-vous pour envoyer vos saisies.";
    if (status === 429) return "Trop d'envois ou espace plein : nouvel essai plus tard.";
    return "Le serveur n'a pas pu l'enregistrer : nouvel essai plus tard.";
  }

  async function flushOnce() {
    if (!navigator.onLine || !scope) return 0;
    let sent = 0;
    for (const item of await all()) {
      if (item.state !== "pending" || (item.scope && item.scope !== scope)) continue;
      let response;
      try {
        response = await fetch("/api/" + item.endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: item.body,
          credentials: "same-origin",
        });
      } catch (_) {
        break; // No network after all: everything stays for the next try.
      }
      item.tries = (item.tries || 0) + 1;
      let body = null;
      try {
        body = await response.json();
      } catch (_) {}
      if (response.ok && !response.redirected && body !== null) {
        const outcome = body.outcome;
        if (outcome === "refused" || outcome === "superseded") {
          // Kept, with the server's words, until the member reads it.
          item.state = outcome;
          item.error = body.message || "";
          await put(item);
        } else {
          await remove(item.id);
        }
        sent += 1;
      } else if (
        response.ok ||
        response.redirected ||
        response.status === 401 ||
        response.status === 409 ||
        response.status === 429 ||
        response.status >= 500
      ) {
        // Not the server's answer (a portal page, a redirect), signed out,
        // busy, quota full or the server unwell: this one and everything
        // after it wait, in order, for the next round.
        item.error = reason(body, response.status);
        await put(item);
        break;
      } else {
        // Refused for good (not found, forbidden, invalid): kept with the
        // reason; « Réessayer » sends it again.
        item.state = "failed";
        item.error = reason(body, response.status);
        await put(item);
        sent += 1;
      }
    }
    if (sent > 0) markSynced();
    return sent;
  }

  function flush() {
    if (!flushing) {
      flushing = flushOnce()
        .catch(() => 0)
        .then(async (sent) => {
          flushing = null;
          await refresh();
          if (sent > 0) {
            window.dispatchEvent(new Event("comptoir-synced"));
            // Captures made while this round was sending go now.
            if (state.pending > 0) setTimeout(flush, 0);
          }
          return sent;
        });
    }
    return flushing;
  }

  async function enqueue(json) {
    const item = JSON.parse(json);
    item.scope = scope;
    item.seq = Date.now() * 1000 + (counter++ % 1000);
    item.state = "pending";
    item.error = "";
    await put(item);
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    await refresh();
    flush();
  }

  async function retry(id) {
    const items = await all();
    const item = items.find((i) => i.id === id);
    if (item) {
      item.state = "pending";
      item.error = "";
      item.tries = 0;
      await put(item);
    }
    await refresh();
    flush();
  }

  async function dismiss(id) {
    await remove(id);
    await refresh();
  }

  function toWorker(message) {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage(message);
  }

  // Keeps these pages (a member's coming jobs) for offline use.
  function keep(json) {
    try {
      toWorker({ type: "warm", urls: JSON.parse(json) });
    } catch (_) {}
  }

  // Signing out: nothing of the field stays on the device.
  async function clear() {
    toWorker({ type: "clear" });
    if (window.caches) await caches.delete("comptoir-field-pages").catch(() => false);
    await run("readwrite", (s) => s.clear());
    try {
      localStorage.removeItem(LAST_SYNC);
    } catch (_) {}
    await refresh();
  }

  window.comptoirField = {
    enqueue,
    retry,
    dismiss,
    clear,
    flush,
    keep,
    setScope: (s) => {
      scope = s || null;
      refresh().then(flush);
    },
    snapshot: () => JSON.stringify(state),
    waiting: () => state.pending,
  };
  window.addEventListener("online", () => {
    refresh();
    flush();
  });
  window.addEventListener("offline", refresh);
  setInterval(() => {
    if (state.pending > 0 && navigator.onLine) flush();
  }, 30000);
  // The next app open sends what waits.
  refresh().then(flush);
})();
