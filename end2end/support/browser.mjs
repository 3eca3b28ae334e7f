// Launch options for the system Chromium (Debian package), headless, with the
// flags this machine's closed network needs.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  // French UI language: date inputs show jj/mm/aaaa as for real users.
  "--lang=fr-FR",
];

export function launchOptions() {
  return { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS };
}
