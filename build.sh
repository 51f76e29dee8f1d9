#!/usr/bin/env bash
# ShowcaseOps build entry point. Tasks: build | test [-- <filter>...] | demo | package | bench | clean.
#   ./build.sh test -- pester/Sync.Tests.ps1      one Pester file (or several; a folder works too)
#   ./build.sh test -- xunit:ClassName            xunit tests whose full name contains ClassName
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
  # Quiet, but warnings show: the build is expected to have none.
  dotnet build "$ROOT/ShowcaseOps.sln" -c "$CONFIGURATION" --nologo --verbosity quiet
  log "Assembling $MODULE_DIR"
  pwsh_run -File "$ROOT/module/build/Build-Module.ps1" -RepoRoot "$ROOT" -Configuration "$CONFIGURATION"
}

# xunit runs ~60 s: a heartbeat line every 15 s (tests passed so far) so a terminal is never silent; then the
# summary and any failure. $1: an optional --filter expression.
run_xunit() {
  log "xunit${1:+ (filter: $1)}"
  local log_file="$ROOT/out/xunit.log" rc
  mkdir -p "$ROOT/out"
  local args=("$ROOT/tests/ShowcaseOps.Tests/ShowcaseOps.Tests.csproj" -c "$CONFIGURATION" --no-build --nologo
    --logger "console;verbosity=normal")
  [ -n "${1:-}" ] && args+=(--filter "$1")
  dotnet test "${args[@]}" >"$log_file" 2>&1 &
  local pid=$! start=$SECONDS ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1; ticks=$((ticks + 1))
    if [ $((ticks % 15)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
      printf '  xunit: %s passed, %s failed so far (%ss)\n' "$(grep -cE '^\s+Passed ' "$log_file" || true)" \
        "$(grep -cE '^\s+Failed ' "$log_file" || true)" "$((SECONDS - start))"
    fi
  done
  set +e
  wait "$pid"; rc=$?
  set -e
  # Failures with their messages, then the totals (the per-test "Passed" lines stay in out/xunit.log).
  grep -vE '^\s+Passed |^\s*$' "$log_file" | grep -E -A 12 '^\s+Failed |: error ' | head -n 200 || true
  grep -E '^(Passed|Failed)!|Total tests|Passed:|Failed:' "$log_file" | tail -n 5 || true
  XUNIT_PASSED=$(sed -nE 's/.*Passed:[[:space:]]*([0-9]+).*/\1/p' "$log_file" | tail -n 1)
  XUNIT_FAILED=$(sed -nE 's/.*Failed:[[:space:]]*([0-9]+),.*/\1/p' "$log_file" | tail -n 1)
  XUNIT_PASSED=${XUNIT_PASSED:-0}; XUNIT_FAILED=${XUNIT_FAILED:-0}
  if [ "$rc" -ne 0 ] && [ "$XUNIT_FAILED" -eq 0 ]; then XUNIT_FAILED=1; fi
}

# Pester always runs in a child pwsh (never the caller's session, so never its sandbox). $@: optional test paths.
run_pester() {
  log "Pester $PESTER_VERSION (child pwsh, module autoloading off, importing $MODULE_DIR)${1:+: $*}"
  local paths=()
  [ "$#" -gt 0 ] && paths=(-Path "$(IFS=,; printf '%s' "$*")")
  rm -f "$ROOT/out/pester-result.txt"
  set +e
  SHOWCASE_MODULE_PATH="$MODULE_DIR" SHOWCASE_REPO_ROOT="$ROOT" pwsh_run -File "$ROOT/pester/Invoke-ShowcaseTests.ps1" -ResultFile "$ROOT/out/pester-result.txt" "${paths[@]}"
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

# ./build.sh test -- <filter>...: builds, then runs only what the filters name. A filter is a Pester file or folder
# (pester/Sync.Tests.ps1) or xunit:<text> (tests whose fully qualified name contains <text>).
test_filtered() {
  local pester=() xunit=() f
  for f in "$@"; do
    case "$f" in
      xunit:*) xunit+=("FullyQualifiedName~${f#xunit:}") ;;
      *)
        [ -e "$f" ] || { echo "No such test file or folder: $f (use pester/<Name>.Tests.ps1 or xunit:<ClassName>)" >&2; exit 2; }
        pester+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")") ;;
    esac
  done
  ensure_debian_packages
  build
  local failed=0 passed=0
  if [ "${#xunit[@]}" -gt 0 ]; then
    local filter; filter=$(IFS='|'; printf '%s' "${xunit[*]}")
    run_xunit "$filter"
    passed=$((passed + XUNIT_PASSED)); failed=$((failed + XUNIT_FAILED))
    [ "$XUNIT_PASSED" -gt 0 ] || { echo "The xunit filter matched no test." >&2; failed=$((failed + 1)); }
  fi
  if [ "${#pester[@]}" -gt 0 ]; then
    run_pester "${pester[@]}"
    passed=$((passed + PESTER_PASSED)); failed=$((failed + PESTER_FAILED))
    [ "$PESTER_PASSED" -gt 0 ] || { echo "Pester ran no test." >&2; failed=$((failed + 1)); }
  fi
  log "Total: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

demo() {
  ensure_debian_packages
  build
  log "Demo: examples/quickstart.ps1 against the sandbox"
  SHOWCASE_MODULE_PATH="$MODULE_DIR" pwsh_run -File "$ROOT/examples/quickstart.ps1"
}

# out/package/ShowcaseOps.<version>.nupkg, made from the assembled module by PSResourceGet (bundled with pwsh).
package() {
  build
  log "Packaging $MODULE_DIR"
  # PSResourceGet keeps its repository list under XDG_DATA_HOME: a scratch one, so the user's own list is never read or written.
  XDG_DATA_HOME="$ROOT/out/psresourceget" pwsh_run -File "$ROOT/module/build/Build-Package.ps1" -ModulePath "$MODULE_DIR" -OutputDirectory "$ROOT/out/package"
}

bench() {
  ensure_debian_packages
  build
  log "Benchmarks (bench/)"
  SHOWCASE_MODULE_PATH="$MODULE_DIR" SHOWCASE_REPO_ROOT="$ROOT" pwsh_run -File "$ROOT/bench/Invoke-Benchmarks.ps1"
}

task="${1:-build}"
[ "$#" -gt 0 ] && shift
case "$task" in
  build) build ;;
  test)
    if [ "${1:-}" = "--" ]; then shift; fi
    if [ "$#" -gt 0 ]; then test_filtered "$@"; else test_all; fi ;;
  demo) demo ;;
  package) package ;;
  bench) bench ;;
  clean) rm -rf "$ROOT/out"; dotnet clean "$ROOT/ShowcaseOps.sln" --nologo --verbosity quiet ;;
  *) echo "usage: ./build.sh [build|test [-- pester/<File>.Tests.ps1|xunit:<ClassName> ...]|demo|package|bench|clean]" >&2; exit 2 ;;
esac
