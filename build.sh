#!/usr/bin/env bash
# ShowcaseOps build entry point. Tasks: build | test | demo | bench | clean.
# Works on a machine that has only the .NET SDK: installs its own pwsh (local dotnet tool), Pester (NuGet) and shellcheck.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1
CONFIGURATION="${CONFIGURATION:-Release}"
MODULE_DIR="$ROOT/out/ShowcaseOps"
NUGET_PACKAGES_DIR="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
PESTER_VERSION="5.7.1"

log() { printf '\n==> %s\n' "$*"; }

pwsh_run() { dotnet tool run pwsh -- -NoLogo -NoProfile -NonInteractive "$@"; }

ensure_tools() {
  log "Restoring tools (pwsh from .config/dotnet-tools.json, Pester $PESTER_VERSION)"
  dotnet tool restore >/dev/null
  dotnet restore "$ROOT/pester/Pester.Restore.csproj" --verbosity quiet >/dev/null
  export SHOWCASE_PESTER_PATH="$NUGET_PACKAGES_DIR/pester/$PESTER_VERSION/tools/Pester.psd1"
  [ -f "$SHOWCASE_PESTER_PATH" ] || { echo "Pester was not restored to $SHOWCASE_PESTER_PATH" >&2; exit 1; }
}

ensure_debian_packages() {
  local missing=()
  command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  fi
}

build() {
  ensure_tools
  log "Building ShowcaseOps.sln ($CONFIGURATION)"
  dotnet build "$ROOT/ShowcaseOps.sln" -c "$CONFIGURATION" --nologo --verbosity quiet -clp:ErrorsOnly
  log "Assembling $MODULE_DIR"
  pwsh_run -File "$ROOT/module/build/Build-Module.ps1" -RepoRoot "$ROOT" -Configuration "$CONFIGURATION"
}

run_xunit() {
  log "xunit"
  local out
  set +e
  out=$(dotnet test "$ROOT/tests/ShowcaseOps.Tests/ShowcaseOps.Tests.csproj" -c "$CONFIGURATION" --no-build --nologo 2>&1)
  local rc=$?
  set -e
  printf '%s\n' "$out" | grep -vE '^\s*$' | tail -n 40
  XUNIT_PASSED=$(printf '%s\n' "$out" | sed -nE 's/.*Passed:[[:space:]]*([0-9]+).*/\1/p' | tail -n 1)
  XUNIT_FAILED=$(printf '%s\n' "$out" | sed -nE 's/.*Failed:[[:space:]]*([0-9]+),.*/\1/p' | tail -n 1)
  XUNIT_PASSED=${XUNIT_PASSED:-0}; XUNIT_FAILED=${XUNIT_FAILED:-0}
  if [ "$rc" -ne 0 ] && [ "$XUNIT_FAILED" -eq 0 ]; then XUNIT_FAILED=1; fi
}

run_pester() {
  log "Pester $PESTER_VERSION (child pwsh, module autoloading off, importing $MODULE_DIR)"
  set +e
  SHOWCASE_MODULE_PATH="$MODULE_DIR" SHOWCASE_REPO_ROOT="$ROOT" pwsh_run -File "$ROOT/pester/Invoke-ShowcaseTests.ps1" -ResultFile "$ROOT/out/pester-result.txt"
  set -e
  PESTER_PASSED=$(sed -nE 's/^passed=([0-9]+)$/\1/p' "$ROOT/out/pester-result.txt" 2>/dev/null || true)
  PESTER_FAILED=$(sed -nE 's/^failed=([0-9]+)$/\1/p' "$ROOT/out/pester-result.txt" 2>/dev/null || true)
  PESTER_PASSED=${PESTER_PASSED:-0}; PESTER_FAILED=${PESTER_FAILED:-1}
}

# terraform fmt -check whenever terraform is installed; terraform validate too when a local provider mirror exists
# (TF_PLUGIN_DIR, providers cannot be downloaded here).
run_terraform_checks() {
  TF_PASSED=0; TF_FAILED=0
  command -v terraform >/dev/null 2>&1 || { log "terraform not installed: skipping fmt/validate"; return; }
  log "terraform fmt -check"
  if TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive "$ROOT/terraform"; then TF_PASSED=$((TF_PASSED + 1)); else TF_FAILED=$((TF_FAILED + 1)); fi
  local plugins="${TF_PLUGIN_DIR:-/opt/tf-plugins}"
  if [ -d "$plugins" ]; then
    log "terraform validate (providers from $plugins)"
    local scratch; scratch=$(mktemp -d)
    cp "$ROOT"/terraform/*.tf "$scratch/"
    if (cd "$scratch" && TF_CLI_CONFIG_FILE=/dev/null terraform init -backend=false -input=false -plugin-dir="$plugins" >/dev/null && TF_CLI_CONFIG_FILE=/dev/null terraform validate -no-color); then
      TF_PASSED=$((TF_PASSED + 1)); else TF_FAILED=$((TF_FAILED + 1)); fi
    rm -rf "$scratch"
  fi
}

test_all() {
  ensure_debian_packages
  build
  run_xunit
  run_pester
  run_terraform_checks
  local passed=$((XUNIT_PASSED + PESTER_PASSED + TF_PASSED)) failed=$((XUNIT_FAILED + PESTER_FAILED + TF_FAILED))
  log "Summary: xunit $XUNIT_PASSED passed / $XUNIT_FAILED failed; Pester $PESTER_PASSED passed / $PESTER_FAILED failed; terraform $TF_PASSED passed / $TF_FAILED failed"
  if [ "$XUNIT_PASSED" -eq 0 ] || [ "$PESTER_PASSED" -eq 0 ]; then
    echo "A test runner ran no test: that is a failure." >&2
    failed=$((failed + 1))
  fi
  echo "Total: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

demo() {
  ensure_debian_packages
  build
  log "Demo: examples/quickstart.ps1 against the sandbox"
  SHOWCASE_MODULE_PATH="$MODULE_DIR" pwsh_run -File "$ROOT/examples/quickstart.ps1"
}

bench() {
  ensure_debian_packages
  build
  log "Benchmarks (bench/)"
  SHOWCASE_MODULE_PATH="$MODULE_DIR" SHOWCASE_REPO_ROOT="$ROOT" pwsh_run -File "$ROOT/bench/Invoke-Benchmarks.ps1"
}

case "${1:-build}" in
  build) build ;;
  test) test_all ;;
  demo) demo ;;
  bench) bench ;;
  clean) rm -rf "$ROOT/out"; dotnet clean "$ROOT/ShowcaseOps.sln" --nologo --verbosity quiet ;;
  *) echo "usage: ./build.sh [build|test|demo|bench|clean]" >&2; exit 2 ;;
esac
