// Comptoir service worker: caches the app shell and static assets so the app
// opens from the home screen and shows an offline page instead of an error.
// Pages and API calls go to the network first: data is never served stale
// while the network answers. The field pages (the jobs list and a job) keep
// their last copy on the device, with the thumbnails seen, so a phone on a
// chantier without network still opens them (and the field queue,
// /field-queue.js, holds what is captured until it can be sent).
const VERSION = "comptoir-v3";
const FIELD = "comptoir-field-pages";
// Hashed, immutable bundles: kept across versions, so a page kept for the
// field still finds its code offline after an update.
const ASSETS = "comptoir-assets";
const SHELL = [
  "/offline.html",
  "/manifest.webmanifest",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/sw-register.js",
  "/field-queue.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => ![VERSION, FIELD, ASSETS].includes(k)).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

function isStatic(url) {
  return url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/") || url.pathname.startsWith("/vendor/");
}

// `/app/jobs` and `/app/jobs/{uuid}`: the pages a phone needs in the field.
function isFieldPage(url) {
  return url.pathname === "/app/jobs" || /^\/app\/jobs\/[0-9a-f-]{36}$/.test(url.pathname);
}

function isThumb(url) {
  return /^\/app\/job-photos\/[0-9a-f-]{36}\/thumb$/.test(url.pathname);
}

// Keeps a copy of a page (or thumbnail) that really is one (not a redirect to
// the sign-in page).
function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const copy = response.clone();
    caches.open(FIELD).then((cache) => cache.put(new URL(request.url).pathname, copy));
  } else if (response.redirected) {
    // Signed out (sent to the sign-in page): nothing kept stays readable.
    caches.delete(FIELD);
  }
  return response;
}

function fromField(url) {
  return caches.open(FIELD).then((cache) => cache.match(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (isStatic(url)) {
    // Hashed, immutable files: cache first, then network (and keep a copy).
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(url.pathname.startsWith("/pkg/") ? ASSETS : VERSION).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }

  if (SHELL.includes(url.pathname)) {
    // The shell's own files (the field queue's script among them): fresh
    // when the network answers, the installed copy otherwise.
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
    return;
  }

  if (isThumb(url)) {
    event.respondWith(
      fetch(request)
        .then((response) => keep(request, response))
        .catch(() => fromField(url).then((hit) => hit || Response.error())),
    );
    return;
  }

  if (request.mode === "navigate") {
    if (isFieldPage(url)) {
      // Network first; offline, the last copy of this page.
      event.respondWith(
        fetch(request)
          .then((response) => keep(request, response))
          .catch(() => fromField(url).then((hit) => hit || caches.match("/offline.html"))),
      );
      return;
    }
    // Pages: network first; offline page when the network is down.
    event.respondWith(fetch(request).catch(() => caches.match("/offline.html")));
  }
});

// The jobs list asks for the member's coming jobs to be kept ("warm"); signing
// out removes every kept page ("clear").
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "warm" && Array.isArray(data.urls)) {
    event.waitUntil(
      Promise.all(
        data.urls
          .map((u) => new URL(u, self.location.origin))
          .filter((u) => u.origin === self.location.origin && isFieldPage(u))
          .map((u) =>
            fetch(u.href, { credentials: "same-origin" })
              .then((response) => keep(new Request(u.href), response))
              .catch(() => null),
          ),
      ),
    );
  } else if (data.type === "clear") {
    event.waitUntil(caches.delete(FIELD));
  }
});
