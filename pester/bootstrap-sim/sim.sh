#!/usr/bin/env bash
# Bootstrap simulation: runs one role's REAL assembled bootstrap script (as the module sends it) as root inside a
# private mount namespace (unshare -m) where a scratch directory is bind-mounted over /etc, /var, /run and
# /usr/local/sbin, the stubs (stub.sh) over /usr/local/bin (first on the script's PATH) and a scratch file over
# /proc/sys/net/ipv4/ip_forward. Nothing on the machine itself is touched.
#
#   sim.sh ROLE SCRIPT      exit 0 when every check held; one "ok"/"FAIL" line per check.
#
# Checks: (1) a fresh run ends with SHOWCASE-BOOTSTRAP-OK, its steps in the expected order, with the ordering rules
# below; (2) a second run makes no change at all; (3) for every step that changes something (or reads over the
# network or from Docker), a run in which that step's first such call fails (the stub exits 1 each time it is made
# in that run, so retries cannot hide it) fails at that step, and a re-run completes with the same end state as
# the clean run (pending restarts included); (4) no secret in any argv, stdout, stderr
# or the host log; (5) the SSM agent snap is held during each run and released after it.
set -euo pipefail
ROLE=$1
SCRIPT=$(readlink -f "$2")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/showcase-sim-$ROLE.XXXXXX")
# SIM_KEEP=1 keeps the scratch directory (runs/<name>/{stdout,stderr,calls,hostlog,rc}) for a post-mortem.
if [ -z "${SIM_KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "scratch: $WORK"; fi
FAILED=0
IP=10.0.1.10
MASTER_IP=10.0.1.10
case $ROLE in agent) IP=10.0.1.21 ;; gateway) IP=10.0.1.5 ;; esac

check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@"; then echo "ok   $ROLE: $d"; else echo "FAIL $ROLE: $d"; FAILED=1; fi
}

if [ "$(id -u)" -eq 0 ]; then UNSHARE=(unshare -m); else UNSHARE=(unshare -r -m); fi
if ! "${UNSHARE[@]}" true 2>/dev/null; then
    echo "SKIP $ROLE: unshare (mount namespace) is not available here"
    exit 3
fi

# Stubs: one link per command name.
mkdir -p "$WORK/stubs" "$WORK/secrets"
for c in docker dockerd curl apt-get apt-cache apt-mark dpkg-query systemctl snap cloud-init iptables fuser gpg ip \
    hostname hostnamectl sysctl sleep; do
    ln -s "$HERE/stub.sh" "$WORK/stubs/$c"
done

# The host's own "random" bytes (the PostgreSQL password the gateway generates): the same in every run, so the
# end states of separate runs compare equal.
awk 'BEGIN { for (i = 0; i < 4096; i++) printf "%c", 33 + (i * 7919) % 90 }' >"$WORK/urandom"

# Parameter Store contents (the contract shared with the module): /showcaseops/<cluster>/<name>.
uuid() { cat /proc/sys/kernel/random/uuid; }
head -c 32 /dev/urandom | base64 | tr -d '\n' >"$WORK/secrets/consul-gossip-key"
uuid >"$WORK/secrets/consul-management-token"
uuid >"$WORK/secrets/consul-agent-token"
uuid >"$WORK/secrets/consul-registrar-token"
printf 'showcaseops:%s' "$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)" >"$WORK/secrets/marathon-credentials"
for f in "$WORK"/secrets/*; do printf '%s' "$(tr -d '\n' <"$f")" >"$f"; done

# A fresh Ubuntu 24.04 host: scratch /etc (with what the tools themselves need), /var, /run.
fresh_root() {
    rm -rf "$WORK/root" "$WORK/state"
    mkdir -p "$WORK/root/etc/chrony" "$WORK/root/var" "$WORK/root/run" "$WORK/root/sbin" "$WORK/state/systemd" \
        "$WORK/state/apt/installed"
    cp -a /etc/alternatives "$WORK/root/etc/"
    cp -a /etc/ld.so.cache /etc/ld.so.conf "$WORK/root/etc/" 2>/dev/null || true
    [ -d /etc/ld.so.conf.d ] && cp -a /etc/ld.so.conf.d "$WORK/root/etc/"
    printf 'PRETTY_NAME="Ubuntu 24.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\n' >"$WORK/root/etc/os-release"
    printf 'sourcedir /run/chrony-dhcp\nsourcedir /etc/chrony/sources.d\n' >"$WORK/root/etc/chrony/chrony.conf"
    : >"$WORK/state/systemd/systemd-resolved.active"
    : >"$WORK/state/systemd/systemd-resolved.enabled"
    for p in ca-certificates curl gnupg; do echo 1.0 >"$WORK/state/apt/installed/$p"; done
    echo 0 >"$WORK/state/ip_forward"
    : >"$WORK/state/calls.log"
}

# run NAME [FAIL_ARGV]: one bootstrap run; its stdout/stderr/calls/rc under $WORK/runs/NAME.
run() {
    local out=$WORK/runs/$1
    mkdir -p "$out"
    : >"$WORK/state/calls.log"
    local rc=0
    SIM_STATE=$WORK/state SIM_SECRETS=$WORK/secrets SIM_IP=$IP SIM_MASTER_IP=$MASTER_IP SIM_CLUSTER=demo \
        SIM_FAIL=${2:-} SIM_LEADERLESS_POLLS=2 SIM_APT_BUSY=2 \
        SHOWCASE_CLUSTER=demo SHOWCASE_ROLE=$ROLE SHOWCASE_VPC_CIDR=10.0.0.0/16 SHOWCASE_MASTER_IP=$MASTER_IP \
        SHOWCASE_HOSTS="i-0123456789abcdef0 $IP $ROLE-1" \
        "${UNSHARE[@]}" sh -c '
            set -e
            mount --bind "$0/root/etc" /etc
            mount --bind "$0/root/var" /var
            mount --bind "$0/root/run" /run
            mount --bind "$0/root/sbin" /usr/local/sbin
            mount --bind "$0/stubs" /usr/local/bin
            mount --bind "$0/state/ip_forward" /proc/sys/net/ipv4/ip_forward
            mount --bind "$0/urandom" /dev/urandom
            exec sh "$1"' "$WORK" "$SCRIPT" >"$out/stdout" 2>"$out/stderr" || rc=$?
    echo "$rc" >"$out/rc"
    cp "$WORK/state/calls.log" "$out/calls"
    # Each run's view of the host log starts where the previous one ended.
    cat "$WORK/root/var/log/showcaseops/bootstrap.log" >"$out/hostlog" 2>/dev/null || true
}

# Everything a run leaves behind that matters: files (content + mode + owner) outside the logs, and the stubs'
# state (containers and their specs, images, units and the config they were started with, packages, holds,
# firewall rules, Consul services, policies and tokens), without call logs and counters.
end_state() {
    (
        cd "$WORK/root" && find . -path ./var/log -prune -o -type f -print | LC_ALL=C sort |
            while read -r f; do printf '%s %s %s\n' "$f" "$(stat -c %a:%u:%g "$f")" "$(sha256sum <"$f" | cut -c1-16)"; done
        cd "$WORK/state" && find . -path ./counters -prune -o -path ./calls.log -prune -o -path ./ssm-requests -prune -o -type f -print | LC_ALL=C sort |
            while read -r f; do printf 'state %s %s\n' "$f" "$(sha256sum <"$f" | cut -c1-16)"; done
    )
}

# The calls that change something (a second run must make none of them).
CHANGES='^[^	]*	(docker (run|rm|start|pull|build|create|cp|network create)|systemctl (restart|start|enable|daemon-reload)|apt-get .*(update|install)|apt-mark hold|hostnamectl|sysctl|iptables .* -I |curl .*-X (PUT|DELETE))'
# (The IMDSv2 token request is a PUT that changes nothing.)
changes() { grep -E "$CHANGES" "$1" | grep -v '169\.254\.169\.254' || true; }
steps() { sed -n 's/^==> //p' "$1" | tr '\n' ' ' | sed 's/ $//'; }

COMMON="validate-parameters preflight hostname secrets time-sync sysctl dns-forwarding docker-repository docker-config docker-install overlay"
case $ROLE in
    master) EXPECTED="$COMMON consul-server consul-wait consul-acl zookeeper mesos-master marathon etcd vulcand-image vulcand consul-registrations summary" ;;
    agent) EXPECTED="$COMMON consul-client consul-wait firewall docker-cli-for-mesos mesos-agent summary" ;;
    gateway) EXPECTED="$COMMON consul-client consul-wait postgres kong-migrations kong consul-registrations summary" ;;
esac

first_line() { grep -n -E -- "$2" "$1" | head -n 1 | cut -d: -f1; }
last_line() { grep -n -E -- "$2" "$1" | tail -n 1 | cut -d: -f1; }
before() { # before FILE REGEX_A REGEX_B: the first A comes before the first B
    local a b
    a=$(first_line "$1" "$2"); b=$(first_line "$1" "$3")
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}
ok_marker() { [ "$(cat "$1/rc")" = 0 ] && [ "$(tail -n 1 "$1/stdout")" = "SHOWCASE-BOOTSTRAP-OK $ROLE" ]; }
no_secret_in() {
    local f s
    for f in "$WORK"/secrets/*; do
        s=$(cat "$f")
        for s_file in "$1/calls" "$1/stdout" "$1/stderr" "$1/hostlog"; do
            if grep -qF -- "$s" "$s_file"; then echo "    secret $(basename "$f") found in $(basename "$s_file")"; return 1; fi
        done
    done
}
snap_released() { [ ! -e "$WORK/state/snap-held" ] && grep -q 'snap refresh --hold=3h' "$1/calls" && grep -q 'snap refresh --unhold' "$1/calls"; }

# --- 1. fresh run --------------------------------------------------------------------------------------------
fresh_root
run fresh
F=$WORK/runs/fresh
check "fresh run ends with SHOWCASE-BOOTSTRAP-OK (exit $(cat "$F/rc"))" ok_marker "$F"
[ "$(cat "$F/rc")" = 0 ] || { sed 's/^/    /' "$F/stderr" | tail -n 20; tail -n 5 "$F/stdout"; }
check "steps in order: $EXPECTED" test "$(steps "$F/stdout")" = "$EXPECTED"
check "SSM agent snap held before the first apt call, released after the summary" \
    before "$F/calls" 'snap refresh --hold' 'apt-get'
check "snap released at the end" snap_released "$F"
check "cloud-init waited for before the first apt call" before "$F/calls" 'cloud-init status --wait' 'apt-get'
check "apt locks waited for before apt-get update (busy twice, then free)" \
    before "$F/calls" '	fuser /var/lib/apt/lists/lock' 'apt-get .* update'
check "apt-get update only once the locks were free" test "$(grep -c '	fuser ' "$F/calls")" -ge 3
check "secrets read with the instance role (IMDSv2 token first, then a signed GetParameter)" \
    before "$F/calls" 'curl .*-X PUT .*latest/api/token' 'aws-sigv4 aws:amz:eu-west-1:ssm'
check "no secret in argv, stdout, stderr or the host log" no_secret_in "$F"
case $ROLE in
    master) WANT="consul-gossip-key consul-agent-token consul-registrar-token consul-management-token marathon-credentials" ;;
    gateway) WANT="consul-gossip-key consul-agent-token consul-registrar-token" ;;
    agent) WANT="consul-gossip-key consul-agent-token" ;;
esac
check "reads exactly the parameters it needs: $WANT" \
    test "$(sed 's|^/showcaseops/demo/||' "$WORK/state/ssm-requests" | tr '\n' ' ' | sed 's/ $//')" = "$WANT"
case $ROLE in
    master)
        check "Mesos readiness waits for an elected leader (/master/state polled past the leaderless answers)" \
            test "$(grep -c 'master/state' "$F/calls")" -ge 3
        check "Marathon readiness waits for /v2/leader (polled past the 404s)" \
            test "$(grep -c '/v2/leader' "$F/calls")" -ge 3
        check "ACL policies before the tokens, tokens before the first registration" \
            before "$F/calls" '/v1/acl/policy' '-X PUT .*/v1/acl/token'
        check "registrar token exists before the services are registered" \
            before "$F/calls" '-X PUT .*/v1/acl/token' 'service/register'
        check "ZooKeeper, then the Mesos master, then Marathon" \
            before "$F/calls" 'docker run .*showcase-zookeeper' 'docker run .*showcase-mesos-master'
        check "Marathon's credentials come from an env file" grep -q 'docker run .*showcase-marathon .*--env-file' "$F/calls"
        ;;
    agent)
        check "firewall rules for the bridge and the pool, INPUT and DOCKER-USER (8 rules)" \
            test "$(wc -l <"$WORK/state/iptables")" -eq 8
        check "the rules drop every admin port, to this host and to the VPC" \
            test "$(grep -c -e '-p tcp -m multiport --dports 8500,8300:8302,8080,5050,5051,2181,2379,2380,8182,8001 -j DROP' "$WORK/state/iptables")" -eq 4 -a \
            "$(grep -c -e '^DOCKER-USER -s 172.1[78].0.0/16 -d 10.0.0.0/16 ' "$WORK/state/iptables")" -eq 4 -a \
            "$(grep -c -e '^INPUT -s 172.1[78].0.0/16 -p ' "$WORK/state/iptables")" -eq 4
        check "firewall before the Mesos agent starts" before "$F/calls" 'iptables .* -I ' 'docker run .*showcase-mesos-agent'
        ;;
    gateway)
        check "Kong's Admin API published on 127.0.0.1 only" grep -q 'docker run .*-p 127.0.0.1:8001:8001' "$F/calls"
        check "Kong migrations bootstrapped before Kong starts" before "$F/calls" 'migrations bootstrap' 'docker run .*--name showcase-kong '
        ;;
esac
STATE0=$(end_state)
check "no change left pending after a clean run" test -z "$(ls -A "$WORK/root/var/lib/showcaseops/pending" 2>/dev/null)"

[ -n "${SIM_FRESH_ONLY:-}" ] && exit "$FAILED"

# --- 2. second run: nothing to do -------------------------------------------------------------------------------
run second
check "second run ends with SHOWCASE-BOOTSTRAP-OK" ok_marker "$WORK/runs/second"
check "second run makes 0 changes" test -z "$(changes "$WORK/runs/second/calls")"
changes "$WORK/runs/second/calls" | head -n 5 | sed 's/^/    change: /'
check "second run leaves the same end state" test "$(end_state)" = "$STATE0"
check "snap held and released in the second run too" snap_released "$WORK/runs/second"

# --- 2b. a rotated secret is picked up by the next run ----------------------------------------------------------
if [ "$ROLE" != agent ]; then
    uuid >"$WORK/secrets/consul-registrar-token.new"
    printf '%s' "$(tr -d '\n' <"$WORK/secrets/consul-registrar-token.new")" >"$WORK/secrets/consul-registrar-token"
    rm -f "$WORK/secrets/consul-registrar-token.new"
    run rotated
    check "after the registrar token was rotated in Parameter Store, the next run completes" ok_marker "$WORK/runs/rotated"
    check "and uses the new token (registrar.curl rewritten)" \
        grep -qF "$(cat "$WORK/secrets/consul-registrar-token")" "$WORK/root/etc/showcaseops/secrets/registrar.curl"
    if [ "$ROLE" = master ]; then
        check "the master replaced the Consul token (deleted, created with the new SecretID)" \
            grep -qF "\"SecretID\": \"$(cat "$WORK/secrets/consul-registrar-token")\"" \
            "$WORK/state/consul/acl/tokens/3f6d2a10-0c1e-4b7a-9a3e-5c0000000002"
        check "with a DELETE of the outdated token first" grep -q -- '-X DELETE .*/v1/acl/token/3f6d2a10-0c1e-4b7a-9a3e-5c0000000002' "$WORK/runs/rotated/calls"
    fi
    check "no secret in argv, stdout, stderr or the host log of that run either" no_secret_in "$WORK/runs/rotated"
    # The end state of later (failure-injection) runs is compared with a clean run under the new value.
    fresh_root
    run fresh-rotated
    STATE0=$(end_state)
fi

# --- 3. a failure at each step, repaired by the next run -------------------------------------------------------
injected=0
for step in $EXPECTED; do
    # The step's first change whose command line no earlier step ran (so the failure hits this step); in a step that
    # changes nothing, its first docker or curl call (a read the step cannot do without: the Parameter Store secrets,
    # Docker's apt key, the Consul leader, ...).
    target=$(changes "$F/calls" | awk -F '\t' -v s="$step" '$1 == s && !($2 in seen) { print $2; exit } { seen[$2] = 1 }')
    if [ -z "$target" ]; then
        target=$(awk -F '\t' -v s="$step" '$1 == s && !($2 in seen) && $2 ~ /^(docker|curl) / { print $2; exit } { seen[$2] = 1 }' "$F/calls")
    fi
    [ -n "$target" ] || continue
    # SIM_ONLY_STEP=<step>: inject at that step only (debugging).
    [ -z "${SIM_ONLY_STEP:-}" ] || [ "$SIM_ONLY_STEP" = "$step" ] || continue
    injected=$((injected + 1))
    fresh_root
    run "fail-$step" "$target"
    R=$WORK/runs/fail-$step
    if [ "$(cat "$R/rc")" != 0 ] && grep -q "^SHOWCASE-BOOTSTRAP-FAILED $ROLE step=$step " "$R/stdout"; then
        echo "ok   $ROLE: failure at step $step (${target:0:60}...) fails the run at that step"
    else
        echo "FAIL $ROLE: failure at step $step (${target:0:60}) did not fail the run there (rc $(cat "$R/rc")): $(grep SHOWCASE-BOOTSTRAP "$R/stdout" || true)"
        FAILED=1
    fi
    run "repair-$step"
    if ok_marker "$WORK/runs/repair-$step" && [ "$(end_state)" = "$STATE0" ]; then
        echo "ok   $ROLE: re-run after the failure at $step completes with the same end state"
    else
        echo "FAIL $ROLE: re-run after the failure at $step: rc $(cat "$WORK/runs/repair-$step/rc")"
        diff <(echo "$STATE0") <(end_state) | head -n 8 | sed 's/^/    /' || true
        tail -n 3 "$WORK/runs/repair-$step/stderr" | sed 's/^/    /'
        FAILED=1
    fi
done
[ -n "${SIM_ONLY_STEP:-}" ] || check "failures injected at $injected steps (every step that changes or reads something)" test "$injected" -ge 8
exit "$FAILED"
