// Starts the release server on a free port over a fresh SQLite database with
// the demo data, the way a new user runs it; stops it after the tests.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts the release server. Options: `databaseUrl` (default: a fresh SQLite
 * file) and `demo` (default true: load the demo data).
 */
export async function startServer({ databaseUrl, demo = true } = {}) {
  const bin = process.env.COMPTOIR_SERVER_BIN;
  if (!bin) throw new Error("COMPTOIR_SERVER_BIN is not set (run ./scripts/test.sh)");
  const dir = mkdtempSync(join(tmpdir(), "comptoir-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ["serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl || `sqlite://${dir}/e2e.db?mode=rwc`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: join(ROOT, "target/site"),
      COMPTOIR_BASE_URL: base,
      COMPTOIR_MAILDIR: join(dir, "mailbox"),
      COMPTOIR_PA_DIR: join(dir, "einvoicing"),
      COMPTOIR_FILES_DIR: join(dir, "files"),
      COMPTOIR_DEMO_SEED: demo ? "always" : "never",
      RUST_LOG: process.env.RUST_LOG || "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("server did not become healthy");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
