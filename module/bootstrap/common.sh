# shellcheck shell=sh
# ShowcaseOps host bootstrap -- part 2 of 3: functions and steps shared by all roles.
#
# Concatenated after versions.sh (which carries `#!/bin/sh`, `set -eu` and every pin) and before <role>.sh.
# This file only defines constants and functions; the role script calls them in order.
#
# Parameters arrive as environment variables set by the module (never eval'ed, validated before use):
#   SHOWCASE_CLUSTER     cluster name: DNS label [a-z0-9-], 1-32 characters, no leading/trailing '-'
#   SHOWCASE_ROLE        gateway | master | agent (must match the role script)
#   SHOWCASE_DOMAIN      optional, default service.consul; must be service.<consul-domain>
#   SHOWCASE_NODE_NAME   host name: [a-z0-9-], 1-63 characters, no leading/trailing '-'
#   SHOWCASE_PRIVATE_IP  this host's private IPv4 address (must be configured on this host)
#   SHOWCASE_MASTER_IP   the master's private IPv4 address (equal to SHOWCASE_PRIVATE_IP on the master)
#   SHOWCASE_VPC_CIDR    the VPC's IPv4 CIDR, prefix /16 to /28 (both IPs must lie inside it)
# Exit codes: 0 success; 2 bad or missing parameter; 3 unsupported host (not root, not Ubuntu 24.04);
#             4 another bootstrap holds the lock; anything else: a step failed (see the FAILED line).
# All internal names use the BOOTSTRAP_/SC_ prefixes (upper case) or _<fn>_ (function-local) to stay apart.

# --- Environment for every command ------------------------------------------------------------------------
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
export DEBIAN_FRONTEND=noninteractive
# Ubuntu 24.04's needrestart would otherwise restart services (or prompt) after each apt-get install.
export NEEDRESTART_SUSPEND=1
# The SSM agent may start the script without HOME; docker and gpg expect one.
HOME=${HOME:-/root}
export HOME
umask 022

# --- Paths ---------------------------------------------------------------------------------------------------
BOOTSTRAP_LOG_DIR=/var/log/showcaseops
BOOTSTRAP_LOG=$BOOTSTRAP_LOG_DIR/bootstrap.log
BOOTSTRAP_ETC=/etc/showcaseops
BOOTSTRAP_LIB=/var/lib/showcaseops
BOOTSTRAP_LOCK=/run/showcaseops-bootstrap.lock
# A change that still has to be applied (a restart that failed or never ran): one marker file per change, removed
# only after the restart succeeded, so the next run retries it even though the config file is already in place.
BOOTSTRAP_PENDING=$BOOTSTRAP_LIB/pending
# Secrets read from Parameter Store (mode 600 files in a mode 700 directory; never on stdout, argv or in the log).
BOOTSTRAP_SECRETS=$BOOTSTRAP_ETC/secrets
BOOTSTRAP_TMP_DIR=/run/showcaseops-bootstrap.d
BOOTSTRAP_TMP=

# --- Ports and fixed network settings (the module, the docs and the security groups use the same numbers) ---
# shellcheck disable=SC2034  # used by the role scripts
{
    SC_CONSUL_HTTP_PORT=8500
    SC_CONSUL_DNS_PORT=8600
    SC_ZOOKEEPER_PORT=2181
    SC_MESOS_MASTER_PORT=5050
    SC_MESOS_AGENT_PORT=5051
    SC_MARATHON_PORT=8080
    SC_ETCD_CLIENT_PORT=2379
    SC_ETCD_PEER_PORT=2380
    SC_VULCAND_DATA_PORT=8181
    SC_VULCAND_API_PORT=8182
    SC_KONG_ADMIN_PORT=8001
    # Kong's proxy: host ports 80/443 (the only ports the gateway's security group opens to the internet),
    # published to Kong's own 8000/8443 inside its container.
    SC_KONG_PROXY_PORT=80
    SC_KONG_PROXY_TLS_PORT=443
    # Host ports Mesos agents offer to tasks (as in 2016).
    SC_AGENT_PORT_RANGE=50000-60000
    # Docker's bridge and the pool for user-defined networks; the VPC CIDR must not overlap them.
    SC_DOCKER_BIP=172.17.0.1/16
    SC_DOCKER_BRIDGE_CIDR=172.17.0.0/16
    SC_DOCKER_POOL_CIDR=172.18.0.0/16
    SC_DOCKER_POOL_SIZE=24
    # Amazon Time Sync Service (link-local, every EC2 instance).
    SC_AWS_TIME_SOURCE=169.254.169.123
    # Label put on every container, network and image the bootstrap creates.
    SC_OWNER_LABEL=org.showcaseops.owner=showcaseops
    # The SSM agent's snap on Ubuntu's AMIs: held (no refresh, hence no agent restart) while a bootstrap runs.
    SC_SSM_AGENT_SNAP=amazon-ssm-agent
    # Admin ports no task container may reach (agents' firewall; see showcase_firewall_script).
    SC_ADMIN_TCP_PORTS=8500,8300:8302,8080,5050,5051,2181,2379,2380,8182,8001
    SC_ADMIN_UDP_PORTS=8301:8302
    # Fixed AccessorIDs of the Consul tokens the master creates (their SecretIDs come from Parameter Store), and
    # the anonymous token's fixed AccessorID (Consul's own).
    SC_CONSUL_AGENT_ACCESSOR=3f6d2a10-0c1e-4b7a-9a3e-5c0000000001
    SC_CONSUL_REGISTRAR_ACCESSOR=3f6d2a10-0c1e-4b7a-9a3e-5c0000000002
    SC_CONSUL_ANONYMOUS_ACCESSOR=00000000-0000-0000-0000-000000000002
    # uid:gid of the consul user in the hashicorp/consul image (Alpine: addgroup consul, adduser -S -G consul).
    SC_CONSUL_UID_GID=100:1000
    # The Marathon user of the HTTP credentials kept in Parameter Store (showcaseops:<32 letters and digits>).
    SC_MARATHON_USER=showcaseops
}

# --- State -----------------------------------------------------------------------------------------------------
BOOTSTRAP_ROLE=unknown
BOOTSTRAP_STEP=start
BOOTSTRAP_FILE_CHANGED=0
BOOTSTRAP_APT_FRESH=0
BOOTSTRAP_SNAP_HELD=0
CONSUL_DOMAIN=consul

# ==============================================================================================================
# Logging, failure handling
# ==============================================================================================================

# Append a line to the host log (only once its directory exists).
showcase_logfile() {
    if [ -d "$BOOTSTRAP_LOG_DIR" ]; then
        printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$BOOTSTRAP_LOG"
    fi
}

# Progress line on stdout (kept short: SSM returns only the first 24,000 characters of stdout).
showcase_log() {
    printf '%s\n' "$*"
    showcase_logfile "$*"
}

showcase_step() {
    BOOTSTRAP_STEP=$1
    showcase_log "==> $1"
}

showcase_warn() {
    showcase_log "    WARN: $*"
}

# showcase_die EXIT_CODE MESSAGE...
showcase_die() {
    _die_code=$1
    shift
    printf 'ERROR [%s]: %s\n' "$BOOTSTRAP_STEP" "$*" >&2
    showcase_logfile "ERROR [$BOOTSTRAP_STEP]: $*"
    exit "$_die_code"
}

# EXIT trap: on failure, one parseable line on stdout (the error and the log tail went to stderr before).
showcase_on_exit() {
    _oe_rc=$?
    showcase_release_ssm_agent
    if [ -n "$BOOTSTRAP_TMP" ]; then
        rm -rf "$BOOTSTRAP_TMP"
    fi
    if [ "$_oe_rc" -ne 0 ]; then
        printf 'SHOWCASE-BOOTSTRAP-FAILED %s step=%s exit=%s log=%s\n' \
            "$BOOTSTRAP_ROLE" "$BOOTSTRAP_STEP" "$_oe_rc" "$BOOTSTRAP_LOG"
        showcase_logfile "FAILED step=$BOOTSTRAP_STEP exit=$_oe_rc"
    fi
}

# showcase_run COMMAND [ARGS...]: run with stdin closed and all output in the host log. The script itself may be
# read from stdin (`... | sh`), so no command may inherit it. On failure, show the log tail and return the code.
showcase_run() {
    _run_rc=0
    showcase_logfile "+ $1 ${2:-}"
    "$@" </dev/null >>"$BOOTSTRAP_LOG" 2>&1 || _run_rc=$?
    if [ "$_run_rc" -ne 0 ]; then
        # Only the command and its first argument are shown: stderr is short in SSM (8,000 characters).
        printf 'ERROR [%s]: "%s %s" failed with exit code %s; last lines of %s:\n' \
            "$BOOTSTRAP_STEP" "$1" "${2:-}" "$_run_rc" "$BOOTSTRAP_LOG" >&2
        tail -n 15 "$BOOTSTRAP_LOG" | cut -c1-200 >&2 || true
    fi
    return "$_run_rc"
}

# showcase_retry ATTEMPTS DELAY COMMAND...: showcase_run with a bounded number of attempts.
showcase_retry() {
    _rt_max=$1
    _rt_delay=$2
    shift 2
    _rt_n=1
    while [ "$_rt_n" -lt "$_rt_max" ]; do
        _rt_rc=0
        "$@" </dev/null >>"$BOOTSTRAP_LOG" 2>&1 || _rt_rc=$?
        if [ "$_rt_rc" -eq 0 ]; then
            return 0
        fi
        showcase_logfile "attempt $_rt_n/$_rt_max of '$1 ${2:-}' failed (exit $_rt_rc); retrying in ${_rt_delay}s"
        sleep "$_rt_delay"
        _rt_n=$((_rt_n + 1))
    done
    # Last attempt: reports the failure (and the log tail) like any other command.
    showcase_run "$@"
}

# showcase_wait_for DESCRIPTION ATTEMPTS DELAY COMMAND...: poll until COMMAND succeeds; 1 after ATTEMPTS tries.
showcase_wait_for() {
    _wf_desc=$1
    _wf_max=$2
    _wf_delay=$3
    shift 3
    _wf_n=1
    while [ "$_wf_n" -le "$_wf_max" ]; do
        if "$@" </dev/null >>"$BOOTSTRAP_LOG" 2>&1; then
            showcase_log "    $_wf_desc: ready"
            return 0
        fi
        sleep "$_wf_delay"
        _wf_n=$((_wf_n + 1))
    done
    showcase_logfile "$_wf_desc: not ready after $_wf_max attempts"
    return 1
}

# showcase_http_ok URL: the endpoint answers 2xx.
showcase_http_ok() {
    curl -fsS -o /dev/null --connect-timeout 3 --max-time 5 "$1"
}

# showcase_wait_http NAME URL ATTEMPTS DELAY CONTAINER: wait for an endpoint, or fail with the container's log.
showcase_wait_http() {
    if ! showcase_wait_for "$1" "$3" "$4" showcase_http_ok "$2"; then
        showcase_container_log_tail "$5"
        showcase_die 1 "$1 did not answer on $2 within $(($3 * $4)) seconds"
    fi
}

showcase_container_log_tail() {
    printf 'last lines of container %s:\n' "$1" >&2
    docker logs --tail 20 "$1" 2>&1 </dev/null | cut -c1-200 >&2 || true
}

# ==============================================================================================================
# Parameter validation (pure string checks; nothing is ever evaluated)
# ==============================================================================================================

showcase_bad_param() {
    showcase_die 2 "parameter $1: $2"
}

# showcase_is_ipv4 STRING: dotted quad, each octet 0-255 without leading zeros.
showcase_is_ipv4() {
    case $1 in
        '' | *[!0-9.]* | .* | *. | *..*) return 1 ;;
    esac
    _ip4_rest=$1.
    _ip4_count=0
    while [ -n "$_ip4_rest" ]; do
        _ip4_octet=${_ip4_rest%%.*}
        _ip4_rest=${_ip4_rest#*.}
        _ip4_count=$((_ip4_count + 1))
        case $_ip4_octet in
            '' | 0?*) return 1 ;;
        esac
        if [ "${#_ip4_octet}" -gt 3 ] || [ "$_ip4_octet" -gt 255 ]; then
            return 1
        fi
    done
    [ "$_ip4_count" -eq 4 ]
}

# showcase_ipv4_to_int IPV4 (already validated) -> integer on stdout.
showcase_ipv4_to_int() {
    _i2i_rest=$1.
    _i2i_value=0
    while [ -n "$_i2i_rest" ]; do
        _i2i_value=$((_i2i_value * 256 + ${_i2i_rest%%.*}))
        _i2i_rest=${_i2i_rest#*.}
    done
    printf '%s\n' "$_i2i_value"
}

# showcase_prefix_mask PREFIX -> 32-bit netmask as an integer.
showcase_prefix_mask() {
    printf '%s\n' "$(((0xFFFFFFFF << (32 - $1)) & 0xFFFFFFFF))"
}

# showcase_is_cidr STRING MIN_PREFIX MAX_PREFIX: a.b.c.d/p, network address aligned to the prefix.
showcase_is_cidr() {
    case $1 in
        */*) ;;
        *) return 1 ;;
    esac
    _cidr_ip=${1%/*}
    _cidr_prefix=${1#*/}
    case $_cidr_prefix in
        '' | *[!0-9]* | 0?*) return 1 ;;
    esac
    if [ "${#_cidr_prefix}" -gt 2 ] || [ "$_cidr_prefix" -lt "$2" ] || [ "$_cidr_prefix" -gt "$3" ]; then
        return 1
    fi
    showcase_is_ipv4 "$_cidr_ip" || return 1
    _cidr_int=$(showcase_ipv4_to_int "$_cidr_ip")
    _cidr_mask=$(showcase_prefix_mask "$_cidr_prefix")
    [ $((_cidr_int & _cidr_mask)) -eq "$_cidr_int" ]
}

# showcase_ip_in_cidr IPV4 CIDR (both validated).
showcase_ip_in_cidr() {
    _iic_ip=$(showcase_ipv4_to_int "$1")
    _iic_net=$(showcase_ipv4_to_int "${2%/*}")
    _iic_mask=$(showcase_prefix_mask "${2#*/}")
    [ $((_iic_ip & _iic_mask)) -eq $((_iic_net & _iic_mask)) ]
}

# showcase_cidrs_overlap CIDR CIDR (both validated).
showcase_cidrs_overlap() {
    _co_p1=${1#*/}
    _co_p2=${2#*/}
    _co_p=$_co_p1
    if [ "$_co_p2" -lt "$_co_p" ]; then
        _co_p=$_co_p2
    fi
    _co_mask=$(showcase_prefix_mask "$_co_p")
    _co_n1=$(showcase_ipv4_to_int "${1%/*}")
    _co_n2=$(showcase_ipv4_to_int "${2%/*}")
    [ $((_co_n1 & _co_mask)) -eq $((_co_n2 & _co_mask)) ]
}

# showcase_is_dns_name STRING: lower-case labels [a-z0-9-] separated by dots, no empty label, at most 200 chars.
showcase_is_dns_name() {
    case $1 in
        '' | *[!a-z0-9.-]* | .* | *. | *..* | -* | *- | *.-* | *-.*) return 1 ;;
    esac
    [ "${#1}" -le 200 ]
}

# showcase_validate_params ROLE: check every parameter, fail with exit code 2 on the first problem.
showcase_validate_params() {
    _vp_role=$1

    case ${SHOWCASE_ROLE:-} in
        '') showcase_bad_param SHOWCASE_ROLE "missing (expected gateway, master or agent)" ;;
        gateway | master | agent) ;;
        *) showcase_bad_param SHOWCASE_ROLE "'$SHOWCASE_ROLE' is not one of gateway, master, agent" ;;
    esac
    if [ "$SHOWCASE_ROLE" != "$_vp_role" ]; then
        showcase_bad_param SHOWCASE_ROLE "'$SHOWCASE_ROLE' was sent with the $_vp_role script"
    fi

    case ${SHOWCASE_CLUSTER:-} in
        '') showcase_bad_param SHOWCASE_CLUSTER "missing" ;;
        -* | *- | *[!a-z0-9-]*)
            showcase_bad_param SHOWCASE_CLUSTER "'$SHOWCASE_CLUSTER' must be a DNS label ([a-z0-9-], no leading/trailing '-')" ;;
    esac
    if [ "${#SHOWCASE_CLUSTER}" -gt 32 ]; then
        showcase_bad_param SHOWCASE_CLUSTER "longer than 32 characters"
    fi

    case ${SHOWCASE_NODE_NAME:-} in
        '') showcase_bad_param SHOWCASE_NODE_NAME "missing" ;;
        -* | *- | *[!a-z0-9-]*)
            showcase_bad_param SHOWCASE_NODE_NAME "'$SHOWCASE_NODE_NAME' must be a host name label ([a-z0-9-], no leading/trailing '-')" ;;
    esac
    if [ "${#SHOWCASE_NODE_NAME}" -gt 63 ]; then
        showcase_bad_param SHOWCASE_NODE_NAME "longer than 63 characters"
    fi

    SHOWCASE_DOMAIN=${SHOWCASE_DOMAIN:-service.consul}
    CONSUL_DOMAIN=${SHOWCASE_DOMAIN#service.}
    if [ "$CONSUL_DOMAIN" = "$SHOWCASE_DOMAIN" ] || ! showcase_is_dns_name "$CONSUL_DOMAIN"; then
        showcase_bad_param SHOWCASE_DOMAIN "'$SHOWCASE_DOMAIN' must be service.<domain> (lower-case DNS name), e.g. service.consul"
    fi

    for _vp_name in SHOWCASE_PRIVATE_IP SHOWCASE_MASTER_IP; do
        case $_vp_name in
            SHOWCASE_PRIVATE_IP) _vp_value=${SHOWCASE_PRIVATE_IP:-} ;;
            *) _vp_value=${SHOWCASE_MASTER_IP:-} ;;
        esac
        if [ -z "$_vp_value" ]; then
            showcase_bad_param "$_vp_name" "missing"
        fi
        if ! showcase_is_ipv4 "$_vp_value"; then
            showcase_bad_param "$_vp_name" "'$_vp_value' is not an IPv4 address"
        fi
    done

    if [ -z "${SHOWCASE_VPC_CIDR:-}" ]; then
        showcase_bad_param SHOWCASE_VPC_CIDR "missing"
    fi
    if ! showcase_is_cidr "$SHOWCASE_VPC_CIDR" 16 28; then
        showcase_bad_param SHOWCASE_VPC_CIDR "'$SHOWCASE_VPC_CIDR' is not an aligned IPv4 CIDR with a /16../28 prefix"
    fi
    if ! showcase_ip_in_cidr "$SHOWCASE_PRIVATE_IP" "$SHOWCASE_VPC_CIDR"; then
        showcase_bad_param SHOWCASE_PRIVATE_IP "$SHOWCASE_PRIVATE_IP is outside SHOWCASE_VPC_CIDR $SHOWCASE_VPC_CIDR"
    fi
    if ! showcase_ip_in_cidr "$SHOWCASE_MASTER_IP" "$SHOWCASE_VPC_CIDR"; then
        showcase_bad_param SHOWCASE_MASTER_IP "$SHOWCASE_MASTER_IP is outside SHOWCASE_VPC_CIDR $SHOWCASE_VPC_CIDR"
    fi
    if [ "$_vp_role" = master ] && [ "$SHOWCASE_PRIVATE_IP" != "$SHOWCASE_MASTER_IP" ]; then
        showcase_bad_param SHOWCASE_MASTER_IP "on the master it must equal SHOWCASE_PRIVATE_IP ($SHOWCASE_PRIVATE_IP)"
    fi
    if [ "$_vp_role" != master ] && [ "$SHOWCASE_PRIVATE_IP" = "$SHOWCASE_MASTER_IP" ]; then
        showcase_bad_param SHOWCASE_MASTER_IP "equals this $_vp_role's own address; the master runs on its own host"
    fi
    for _vp_cidr in "$SC_DOCKER_BRIDGE_CIDR" "$SC_DOCKER_POOL_CIDR"; do
        if showcase_cidrs_overlap "$SHOWCASE_VPC_CIDR" "$_vp_cidr"; then
            showcase_bad_param SHOWCASE_VPC_CIDR "$SHOWCASE_VPC_CIDR overlaps Docker's address range $_vp_cidr"
        fi
    done
}

# ==============================================================================================================
# Idempotent building blocks
# ==============================================================================================================

# showcase_write_file PATH MODE < CONTENT: replace PATH only when the content differs (atomic rename).
# Sets BOOTSTRAP_FILE_CHANGED to 1 when the file was written, else 0. MODE as printed by `stat -c %a` (644).
showcase_write_file() {
    _wfile_path=$1
    _wfile_mode=$2
    _wfile_dir=$(dirname "$_wfile_path")
    mkdir -p "$_wfile_dir"
    _wfile_tmp=$(mktemp "$_wfile_dir/.showcaseops.XXXXXX")
    cat >"$_wfile_tmp"
    if [ -f "$_wfile_path" ] && cmp -s "$_wfile_tmp" "$_wfile_path"; then
        rm -f "$_wfile_tmp"
        BOOTSTRAP_FILE_CHANGED=0
        if [ "$(stat -c %a "$_wfile_path")" != "$_wfile_mode" ]; then
            chmod "$_wfile_mode" "$_wfile_path"
        fi
        return 0
    fi
    chmod "$_wfile_mode" "$_wfile_tmp"
    mv -f "$_wfile_tmp" "$_wfile_path"
    BOOTSTRAP_FILE_CHANGED=1
    showcase_log "    wrote $_wfile_path"
}

# showcase_ensure_dir PATH MODE [UID:GID]
showcase_ensure_dir() {
    if [ ! -d "$1" ]; then
        mkdir -p "$1"
    fi
    if [ "$(stat -c %a "$1")" != "$2" ]; then
        chmod "$2" "$1"
    fi
    if [ -n "${3:-}" ] && [ "$(stat -c %u:%g "$1")" != "$3" ]; then
        chown "$3" "$1"
    fi
}

# showcase_ensure_secret PATH: a random 32-character alphanumeric secret, generated once (mode 600).
showcase_ensure_secret() {
    if [ -s "$1" ]; then
        return 0
    fi
    mkdir -p "$(dirname "$1")"
    (
        umask 077
        tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 >"$1"
    )
    if [ "$(wc -c <"$1")" -ne 32 ]; then
        rm -f "$1"
        showcase_die 1 "could not generate a secret in $1"
    fi
    showcase_log "    generated secret $1"
}

# showcase_sha256_file PATH -> first 16 hex digits of the file's SHA-256.
showcase_sha256_file() {
    sha256sum "$1" | cut -c1-16
}

# showcase_mark_pending NAME / showcase_is_pending NAME / showcase_clear_pending NAME: see BOOTSTRAP_PENDING.
showcase_mark_pending() {
    mkdir -p "$BOOTSTRAP_PENDING"
    : >"$BOOTSTRAP_PENDING/$1"
}

showcase_is_pending() {
    [ -e "$BOOTSTRAP_PENDING/$1" ]
}

showcase_clear_pending() {
    rm -f "$BOOTSTRAP_PENDING/$1"
}

# showcase_pending_if_changed NAME: after showcase_write_file, remember that NAME's change must be applied.
showcase_pending_if_changed() {
    if [ "$BOOTSTRAP_FILE_CHANGED" -eq 1 ]; then
        showcase_mark_pending "$1"
    fi
}

# --- apt -----------------------------------------------------------------------------------------------------

showcase_apt_get() {
    apt-get -q -y -o DPkg::Lock::Timeout=300 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# Wait (up to 15 minutes) while another process holds apt's lists lock or dpkg's locks. DPkg::Lock::Timeout
# covers only dpkg's lock; `apt-get update` fails at once on /var/lib/apt/lists/lock (held by apt-daily or
# cloud-init on a fresh instance). apt takes fcntl locks, so `flock` cannot test them: fuser (psmisc) can.
showcase_wait_apt_locks() {
    if ! command -v fuser >/dev/null 2>&1; then
        return 0
    fi
    _wal_n=0
    while fuser /var/lib/apt/lists/lock /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; do
        if [ "$_wal_n" -eq 0 ]; then
            showcase_log "    waiting for another apt/dpkg process to release its locks"
        fi
        if [ "$_wal_n" -ge 180 ]; then
            showcase_warn "apt/dpkg locks still held after 15 minutes; trying anyway"
            return 0
        fi
        sleep 5
        _wal_n=$((_wal_n + 1))
    done
}

showcase_apt_update_once() {
    showcase_wait_apt_locks
    showcase_apt_get update
}

# Refresh the package lists at most once per run, and only when something has to be installed.
showcase_apt_update() {
    if [ "$BOOTSTRAP_APT_FRESH" -eq 1 ]; then
        return 0
    fi
    showcase_retry 6 20 showcase_apt_update_once
    BOOTSTRAP_APT_FRESH=1
}

# showcase_pkg_version PACKAGE -> installed version on stdout, empty when not installed.
showcase_pkg_version() {
    _pv_status=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$1" 2>/dev/null || true)
    case $_pv_status in
        ii*) printf '%s\n' "${_pv_status#*|}" ;;
        *) printf '\n' ;;
    esac
}

# showcase_apt_install PACKAGE...: install what is missing; never upgrades what is already there.
showcase_apt_install() {
    _ai_missing=0
    for _ai_pkg in "$@"; do
        if [ -z "$(showcase_pkg_version "$_ai_pkg")" ]; then
            _ai_missing=1
        fi
    done
    if [ "$_ai_missing" -eq 0 ]; then
        return 0
    fi
    showcase_apt_update
    showcase_log "    installing: $*"
    showcase_wait_apt_locks
    showcase_retry 3 15 showcase_apt_get install --no-install-recommends --no-upgrade "$@"
}

# --- Docker --------------------------------------------------------------------------------------------------

# showcase_pull IMAGE: pull only when the image is not on the host yet (bounded retries).
showcase_pull() {
    if docker image inspect "$1" >/dev/null 2>&1; then
        return 0
    fi
    showcase_log "    pulling $1"
    showcase_retry 4 20 docker pull -q "$1"
}

# showcase_ensure_container NAME [docker run options...] IMAGE [command/args...]
# Creates the container only when it is absent. Each container carries a hash of its full specification
# (label org.showcaseops.spec): a container whose specification changed (a new pin in versions.sh, a changed
# config file hash) is replaced; an identical one is left alone (only started again if it was stopped).
# Images must have been pulled (or built) before: `docker run` never pulls here.
showcase_ensure_container() {
    _ec_name=$1
    shift
    _ec_spec=$(printf '%s\n' "$_ec_name" "$@" | sha256sum | cut -c1-16)
    if docker container inspect "$_ec_name" >/dev/null 2>&1; then
        _ec_have=$(docker container inspect -f '{{ index .Config.Labels "org.showcaseops.spec" }}' "$_ec_name")
        if [ "$_ec_have" = "$_ec_spec" ]; then
            _ec_running=$(docker container inspect -f '{{ .State.Running }}' "$_ec_name")
            if [ "$_ec_running" = true ]; then
                showcase_log "    container $_ec_name: up to date, running"
            else
                showcase_log "    container $_ec_name: up to date, starting it"
                showcase_run docker start "$_ec_name"
            fi
            return 0
        fi
        showcase_log "    container $_ec_name: specification changed, replacing it"
        showcase_run docker rm -f "$_ec_name"
    fi
    showcase_log "    container $_ec_name: creating"
    showcase_run docker run -d --pull never --name "$_ec_name" --restart unless-stopped \
        --label "$SC_OWNER_LABEL" \
        --label "org.showcaseops.cluster=$SHOWCASE_CLUSTER" \
        --label "org.showcaseops.spec=$_ec_spec" \
        "$@"
}

# showcase_ensure_network NAME: a user-defined bridge network.
showcase_ensure_network() {
    if docker network inspect "$1" >/dev/null 2>&1; then
        return 0
    fi
    showcase_run docker network create --driver bridge --label "$SC_OWNER_LABEL" "$1"
}

# --- SSM agent snap --------------------------------------------------------------------------------------------

# Hold the SSM agent's snap for the run: a snapd refresh restarts the agent, which kills this very script.
# Held with a duration (3 h), so a run that dies without its EXIT trap does not hold it forever; a hold the
# operator set before is left alone (and not released afterwards).
showcase_hold_ssm_agent() {
    if ! command -v snap >/dev/null 2>&1 || ! snap list "$SC_SSM_AGENT_SNAP" </dev/null >/dev/null 2>&1; then
        return 0
    fi
    if snap list "$SC_SSM_AGENT_SNAP" </dev/null 2>/dev/null |
        awk 'NR > 1 && $NF ~ /held/ { found = 1 } END { exit !found }'; then
        showcase_log "    snap $SC_SSM_AGENT_SNAP: already held, left as it is"
        return 0
    fi
    if snap refresh --hold=3h "$SC_SSM_AGENT_SNAP" </dev/null >>"$BOOTSTRAP_LOG" 2>&1; then
        BOOTSTRAP_SNAP_HELD=1
        showcase_log "    snap $SC_SSM_AGENT_SNAP: refreshes held for this run"
    else
        showcase_warn "could not hold snap $SC_SSM_AGENT_SNAP (snapd may restart the SSM agent during the run)"
    fi
}

showcase_release_ssm_agent() {
    if [ "$BOOTSTRAP_SNAP_HELD" -eq 1 ]; then
        BOOTSTRAP_SNAP_HELD=0
        snap refresh --unhold "$SC_SSM_AGENT_SNAP" </dev/null >>"$BOOTSTRAP_LOG" 2>&1 ||
            printf 'WARN: could not release the hold on snap %s\n' "$SC_SSM_AGENT_SNAP" >&2
    fi
}

# --- Secrets from Parameter Store ------------------------------------------------------------------------------
# Read with the instance role only, as the module's channel scripts do (GatewayKeyScript): IMDSv2 token ->
# role credentials -> GetParameter WithDecryption signed by `curl --aws-sigv4` (no AWS CLI on the host). The
# IMDS token and the credentials go to private curl config files (-K), never into argv; values are only ever in
# shell variables (printf is a builtin) and in mode 600 files; nothing is printed.

# showcase_json_field NAME FILE -> the first "NAME": "value" string of a flat JSON answer.
showcase_json_field() {
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1
}

# A private scratch directory for the run (tmpfs, root only; the bootstrap lock keeps runs apart), emptied first
# in case a killed run left it behind, removed by the EXIT trap.
showcase_private_tmp() {
    if [ -z "$BOOTSTRAP_TMP" ]; then
        rm -rf "$BOOTSTRAP_TMP_DIR"
        (
            umask 077
            mkdir "$BOOTSTRAP_TMP_DIR"
        )
        BOOTSTRAP_TMP=$BOOTSTRAP_TMP_DIR
    fi
}

# IMDSv2 -> role credentials and region, once per run.
showcase_ssm_login() {
    showcase_private_tmp
    if [ -s "$BOOTSTRAP_TMP/ssm.conf" ]; then
        return 0
    fi
    _sl_imds=http://169.254.169.254/latest
    _sl_token=$(curl -sf --connect-timeout 2 --max-time 5 --retry 3 -X PUT \
        -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$_sl_imds/api/token" </dev/null) ||
        showcase_die 1 "the instance metadata service (IMDSv2) did not answer"
    printf 'header = "X-aws-ec2-metadata-token: %s"\n' "$_sl_token" >"$BOOTSTRAP_TMP/imds.conf"
    curl -sf --connect-timeout 2 --max-time 5 -K "$BOOTSTRAP_TMP/imds.conf" -o "$BOOTSTRAP_TMP/role" \
        "$_sl_imds/meta-data/iam/security-credentials/" </dev/null ||
        showcase_die 1 "this instance has no instance profile (Parameter Store cannot be read)"
    _sl_role=$(head -n 1 "$BOOTSTRAP_TMP/role")
    case $_sl_role in
        '' | *[!A-Za-z0-9+=,.@_-]*) showcase_die 1 "the instance profile's role name is not usable" ;;
    esac
    curl -sf --connect-timeout 2 --max-time 5 -K "$BOOTSTRAP_TMP/imds.conf" -o "$BOOTSTRAP_TMP/creds" \
        "$_sl_imds/meta-data/iam/security-credentials/$_sl_role" </dev/null ||
        showcase_die 1 "the instance role gave no credentials"
    BOOTSTRAP_REGION=$(curl -sf --connect-timeout 2 --max-time 5 -K "$BOOTSTRAP_TMP/imds.conf" \
        "$_sl_imds/meta-data/placement/region" </dev/null) || showcase_die 1 "the region is unknown"
    case $BOOTSTRAP_REGION in
        '' | *[!a-z0-9-]*) showcase_die 1 "the region from the instance metadata is not usable" ;;
    esac
    _sl_ak=$(showcase_json_field AccessKeyId "$BOOTSTRAP_TMP/creds")
    _sl_sk=$(showcase_json_field SecretAccessKey "$BOOTSTRAP_TMP/creds")
    _sl_st=$(showcase_json_field Token "$BOOTSTRAP_TMP/creds")
    rm -f "$BOOTSTRAP_TMP/creds"
    if [ -z "$_sl_ak" ] || [ -z "$_sl_sk" ]; then
        showcase_die 1 "the instance role's credentials are incomplete"
    fi
    {
        printf 'user = "%s:%s"\n' "$_sl_ak" "$_sl_sk"
        printf 'header = "X-Amz-Security-Token: %s"\n' "$_sl_st"
    } >"$BOOTSTRAP_TMP/ssm.conf"
}

# showcase_ssm_parameter NAME -> the decrypted value of SecureString /showcaseops/<cluster>/NAME, in
# $BOOTSTRAP_TMP/value (mode 600). Fails the run naming the parameter (never its value).
showcase_ssm_parameter() {
    showcase_ssm_login
    _sp_name=/showcaseops/$SHOWCASE_CLUSTER/$1
    printf '{"Name":"%s","WithDecryption":true}' "$_sp_name" >"$BOOTSTRAP_TMP/get.json"
    _sp_n=1
    while :; do
        _sp_status=$(curl -s --connect-timeout 5 --max-time 20 -K "$BOOTSTRAP_TMP/ssm.conf" \
            --aws-sigv4 "aws:amz:$BOOTSTRAP_REGION:ssm" -o "$BOOTSTRAP_TMP/param" -w '%{http_code}' \
            -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AmazonSSM.GetParameter' \
            --data-binary "@$BOOTSTRAP_TMP/get.json" "https://ssm.$BOOTSTRAP_REGION.amazonaws.com/" </dev/null) ||
            _sp_status=000
        case $_sp_status in
            200) break ;;
            000 | 429 | 5??) ;;
            *) _sp_n=99 ;;
        esac
        if [ "$_sp_n" -ge 4 ]; then
            showcase_die 1 "Parameter Store did not give $_sp_name (HTTP $_sp_status): does it exist, and may the instance role call ssm:GetParameter (and kms:Decrypt) on it?"
        fi
        _sp_n=$((_sp_n + 1))
        sleep 5
    done
    _sp_value=$(showcase_json_field Value "$BOOTSTRAP_TMP/param")
    rm -f "$BOOTSTRAP_TMP/param"
    printf '%s' "$_sp_value" >"$BOOTSTRAP_TMP/value"
}

# showcase_secret NAME FORMAT: read parameter NAME, check it (gossip-key | uuid | marathon), keep it in
# $BOOTSTRAP_SECRETS/NAME (rewritten only when it changed, so a rotation is picked up by the next run).
showcase_secret() {
    showcase_ssm_parameter "$1"
    _sc_value=$(cat "$BOOTSTRAP_TMP/value")
    _sc_ok=1
    case $2 in
        gossip-key)
            # base64 of 32 bytes: 43 characters of the base64 alphabet and one '='.
            case $_sc_value in *[!A-Za-z0-9+/=]* | *=?*) _sc_ok=0 ;; esac
            if [ "${#_sc_value}" -ne 44 ] || [ "${_sc_value%=}" = "$_sc_value" ]; then
                _sc_ok=0
            fi
            ;;
        uuid)
            case $_sc_value in
                [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*) ;;
                *) _sc_ok=0 ;;
            esac
            case $_sc_value in *[!0-9a-f-]*) _sc_ok=0 ;; esac
            if [ "${#_sc_value}" -ne 36 ]; then
                _sc_ok=0
            fi
            ;;
        marathon)
            _sc_pass=${_sc_value#"$SC_MARATHON_USER":}
            case $_sc_pass in '' | *[!A-Za-z0-9]*) _sc_ok=0 ;; esac
            if [ "$_sc_pass" = "$_sc_value" ] || [ "${#_sc_pass}" -ne 32 ]; then
                _sc_ok=0
            fi
            ;;
    esac
    if [ "$_sc_ok" -eq 0 ]; then
        showcase_die 1 "parameter /showcaseops/$SHOWCASE_CLUSTER/$1 does not have the expected form ($2)"
    fi
    showcase_ensure_dir "$BOOTSTRAP_SECRETS" 700
    printf '%s' "$_sc_value" | showcase_write_file "$BOOTSTRAP_SECRETS/$1" 600
}

# The secrets each role needs (docs/bootstrap.md, "Secrets"), and the private curl configs made of them.
showcase_step_secrets() {
    showcase_step secrets
    showcase_secret consul-gossip-key gossip-key
    showcase_secret consul-agent-token uuid
    if [ "$BOOTSTRAP_ROLE" != agent ]; then
        showcase_secret consul-registrar-token uuid
        printf 'header = "X-Consul-Token: %s"\n' "$(cat "$BOOTSTRAP_SECRETS/consul-registrar-token")" |
            showcase_write_file "$BOOTSTRAP_SECRETS/registrar.curl" 600
    fi
    if [ "$BOOTSTRAP_ROLE" = master ]; then
        showcase_secret consul-management-token uuid
        printf 'header = "X-Consul-Token: %s"\n' "$(cat "$BOOTSTRAP_SECRETS/consul-management-token")" |
            showcase_write_file "$BOOTSTRAP_SECRETS/management.curl" 600
        showcase_secret marathon-credentials marathon
        printf 'user = "%s"\n' "$(cat "$BOOTSTRAP_SECRETS/marathon-credentials")" |
            showcase_write_file "$BOOTSTRAP_SECRETS/marathon.curl" 600
    fi
    showcase_log "    secrets read from Parameter Store /showcaseops/$SHOWCASE_CLUSTER/ with the instance role"
}

# --- Consul --------------------------------------------------------------------------------------------------

# The status endpoints are the only ones Consul answers without a token once ACLs are on (default deny).
showcase_consul_api_ok() {
    showcase_http_ok "http://127.0.0.1:$SC_CONSUL_HTTP_PORT/v1/status/leader"
}

# A leader is known when /v1/status/leader returns a non-empty "ip:port" string.
showcase_consul_has_leader() {
    _cl_leader=$(curl -fsS --max-time 5 "http://127.0.0.1:$SC_CONSUL_HTTP_PORT/v1/status/leader")
    case $_cl_leader in
        '"'?*'"') return 0 ;;
        *) return 1 ;;
    esac
}

# showcase_consul_register ID PORT http|tcp CHECK_TARGET
# Registers a service of this host with the local Consul agent: PUT (Consul >= 1.0 answers 405 to POST), JSON
# written from validated values only, ownership in Tags and Meta. Skipped when the definition file is unchanged
# and the agent already has the service (re-registering would only reset the check).
showcase_consul_register() {
    _cr_id=$1
    _cr_port=$2
    case $3 in
        http) _cr_check="\"HTTP\": \"$4\"" ;;
        tcp) _cr_check="\"TCP\": \"$4\"" ;;
        *) showcase_die 1 "unknown check type '$3' for service $_cr_id" ;;
    esac
    _cr_file=$BOOTSTRAP_ETC/consul-services/$_cr_id.json
    showcase_write_file "$_cr_file" 644 <<EOF
{
  "ID": "$_cr_id",
  "Name": "$_cr_id",
  "Tags": ["showcaseops", "showcaseops-bootstrap"],
  "Address": "$SHOWCASE_PRIVATE_IP",
  "Port": $_cr_port,
  "Meta": {
    "owner": "showcaseops",
    "managed_by": "showcaseops-bootstrap",
    "cluster": "$SHOWCASE_CLUSTER",
    "node": "$SHOWCASE_NODE_NAME"
  },
  "Check": {
    "Name": "$_cr_id endpoint",
    $_cr_check,
    "Interval": "15s",
    "Timeout": "5s"
  }
}
EOF
    if [ "$BOOTSTRAP_FILE_CHANGED" -eq 0 ] &&
        curl -fsS -o /dev/null --max-time 5 -K "$BOOTSTRAP_SECRETS/registrar.curl" \
            "http://127.0.0.1:$SC_CONSUL_HTTP_PORT/v1/agent/service/$_cr_id" </dev/null >/dev/null 2>&1; then
        showcase_log "    consul service $_cr_id: already registered"
        return 0
    fi
    # The registrar token (service:write) authorises the registration: ACLs deny by default.
    showcase_retry 10 3 curl -fsS -o /dev/null --max-time 10 -K "$BOOTSTRAP_SECRETS/registrar.curl" -X PUT \
        --data-binary "@$_cr_file" "http://127.0.0.1:$SC_CONSUL_HTTP_PORT/v1/agent/service/register"
    showcase_log "    consul service $_cr_id: registered ($SHOWCASE_PRIVATE_IP:$_cr_port)"
}

# ==============================================================================================================
# Steps shared by all roles
# ==============================================================================================================

# showcase_begin ROLE: validate parameters, check the host, take the lock, install the exit trap.
showcase_begin() {
    BOOTSTRAP_ROLE=$1
    trap 'showcase_on_exit' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    showcase_step validate-parameters
    showcase_validate_params "$1"

    showcase_step preflight
    if [ "$(id -u)" -ne 0 ]; then
        showcase_die 3 "must run as root (the SSM agent runs AWS-RunShellScript as root)"
    fi
    mkdir -p "$BOOTSTRAP_LOG_DIR" "$BOOTSTRAP_ETC" "$BOOTSTRAP_LIB"
    chmod 750 "$BOOTSTRAP_LOG_DIR"
    showcase_logfile "bootstrap start: role=$1 cluster=$SHOWCASE_CLUSTER node=$SHOWCASE_NODE_NAME ip=$SHOWCASE_PRIVATE_IP"

    if ! grep -qx 'ID=ubuntu' /etc/os-release ||
        ! grep -qx "VERSION_ID=\"$UBUNTU_VERSION_ID\"" /etc/os-release; then
        showcase_die 3 "this bootstrap supports Ubuntu $UBUNTU_VERSION_ID only (see /etc/os-release)"
    fi

    # One bootstrap at a time on a host (fd 9 stays open, and locked, until the script ends).
    exec 9>"$BOOTSTRAP_LOCK"
    if ! flock -w 600 9; then
        showcase_die 4 "another bootstrap still holds $BOOTSTRAP_LOCK after 10 minutes"
    fi
    showcase_private_tmp

    if ! ip -o -4 addr show | awk -v ip="$SHOWCASE_PRIVATE_IP" \
        '{ split($4, a, "/"); if (a[1] == ip) found = 1 } END { exit !found }'; then
        showcase_bad_param SHOWCASE_PRIVATE_IP "$SHOWCASE_PRIVATE_IP is not configured on this host"
    fi

    showcase_hold_ssm_agent

    # cloud-init may still be running apt on a fresh instance: wait for it (bounded), continue either way.
    if command -v cloud-init >/dev/null 2>&1; then
        _b_rc=0
        timeout 900 cloud-init status --wait </dev/null >>"$BOOTSTRAP_LOG" 2>&1 || _b_rc=$?
        if [ "$_b_rc" -ne 0 ]; then
            showcase_warn "cloud-init status returned $_b_rc (continuing)"
        fi
    fi
}

showcase_step_hostname() {
    showcase_step hostname
    if [ "$(hostname)" != "$SHOWCASE_NODE_NAME" ]; then
        showcase_run hostnamectl set-hostname "$SHOWCASE_NODE_NAME"
        showcase_log "    hostname set to $SHOWCASE_NODE_NAME"
    fi
    # Keep cloud-init from resetting it on the next boot.
    showcase_write_file /etc/cloud/cloud.cfg.d/99-showcaseops.cfg 644 <<'EOF'
# Managed by the ShowcaseOps bootstrap: the host name is set by the bootstrap, not from instance metadata.
preserve_hostname: true
EOF
}

# chrony with the Amazon Time Sync Service (installing chrony replaces systemd-timesyncd on Ubuntu).
showcase_step_time_sync() {
    showcase_step time-sync
    showcase_apt_install chrony
    showcase_write_file /etc/chrony/sources.d/showcaseops-aws.sources 644 <<EOF
# Managed by the ShowcaseOps bootstrap: Amazon Time Sync Service.
server $SC_AWS_TIME_SOURCE prefer iburst minpoll 4 maxpoll 4
EOF
    showcase_pending_if_changed chrony
    if ! grep -q '^sourcedir /etc/chrony/sources.d' /etc/chrony/chrony.conf 2>/dev/null; then
        showcase_warn "/etc/chrony/chrony.conf does not read /etc/chrony/sources.d; using its default sources"
    fi
    if ! systemctl is-enabled --quiet chrony; then
        showcase_run systemctl enable chrony
    fi
    if ! systemctl is-active --quiet chrony; then
        showcase_run systemctl start chrony
    elif showcase_is_pending chrony; then
        showcase_run systemctl restart chrony
    fi
    showcase_clear_pending chrony
}

showcase_step_sysctl() {
    showcase_step sysctl
    showcase_write_file /etc/sysctl.d/60-showcaseops.conf 644 <<'EOF'
# Managed by the ShowcaseOps bootstrap: containers (Docker bridge, published ports) need IPv4 forwarding.
net.ipv4.ip_forward = 1
EOF
    showcase_pending_if_changed sysctl
    if showcase_is_pending sysctl || [ "$(cat /proc/sys/net/ipv4/ip_forward)" != 1 ]; then
        showcase_run sysctl -p /etc/sysctl.d/60-showcaseops.conf
    fi
    showcase_clear_pending sysctl
}

# systemd-resolved forwards the Consul domain to the local Consul agent (HashiCorp's documented drop-in).
# The extra stub listener on the private address is the DNS server Docker gives to containers (see
# showcase_step_docker), so containers resolve *.service.consul too.
showcase_step_dns_forwarding() {
    showcase_step dns-forwarding
    showcase_write_file /etc/systemd/resolved.conf.d/showcaseops-consul.conf 644 <<EOF
# Managed by the ShowcaseOps bootstrap: *.$CONSUL_DOMAIN goes to the local Consul agent.
[Resolve]
DNS=127.0.0.1:$SC_CONSUL_DNS_PORT
DNSSEC=false
Domains=~$CONSUL_DOMAIN
DNSStubListenerExtra=$SHOWCASE_PRIVATE_IP
EOF
    showcase_pending_if_changed systemd-resolved
    if showcase_is_pending systemd-resolved || ! systemctl is-active --quiet systemd-resolved; then
        showcase_run systemctl restart systemd-resolved
    fi
    showcase_clear_pending systemd-resolved
}

# showcase_key_fingerprint FILE -> fingerprint of the first (primary) key in an armored key file.
showcase_key_fingerprint() {
    _kf_home=$(mktemp -d)
    gpg --homedir "$_kf_home" --batch --quiet --with-colons --show-keys "$1" 2>/dev/null |
        awk -F: '$1 == "fpr" { print $10; exit }' || true
    rm -rf "$_kf_home"
}

# showcase_repo_version PACKAGE PREFIX -> newest version in the apt cache that starts with PREFIX.
showcase_repo_version() {
    apt-cache madison "$1" | awk -v p="$2" 'index($3, p) == 1 { print $3; exit }'
}

# docker-ce from Docker's apt repository, the version pinned in versions.sh, held.
showcase_step_docker() {
    showcase_step docker-repository
    showcase_apt_install ca-certificates curl gnupg
    _dk_key=/etc/apt/keyrings/docker.asc
    showcase_ensure_dir /etc/apt/keyrings 755
    if [ ! -s "$_dk_key" ] || [ "$(showcase_key_fingerprint "$_dk_key")" != "$DOCKER_APT_KEY_FINGERPRINT" ]; then
        _dk_tmp=$BOOTSTRAP_TMP/docker.asc
        showcase_retry 4 15 curl -fsSL --max-time 60 -o "$_dk_tmp" "$DOCKER_APT_URL/gpg"
        if [ "$(showcase_key_fingerprint "$_dk_tmp")" != "$DOCKER_APT_KEY_FINGERPRINT" ]; then
            rm -f "$_dk_tmp"
            showcase_die 1 "Docker's apt key does not have the pinned fingerprint $DOCKER_APT_KEY_FINGERPRINT"
        fi
        install -m 0644 "$_dk_tmp" "$_dk_key"
        rm -f "$_dk_tmp"
        BOOTSTRAP_APT_FRESH=0
        showcase_log "    installed Docker's apt key"
    fi
    showcase_write_file /etc/apt/sources.list.d/docker.sources 644 <<EOF
Types: deb
URIs: $DOCKER_APT_URL
Suites: $UBUNTU_CODENAME
Components: stable
Signed-By: $_dk_key
EOF
    if [ "$BOOTSTRAP_FILE_CHANGED" -eq 1 ]; then
        BOOTSTRAP_APT_FRESH=0
    fi

    # Written before the package is installed, so the daemon's first start already uses it.
    showcase_step docker-config
    _dk_was_active=0
    if systemctl is-active --quiet docker; then
        _dk_was_active=1
    fi
    showcase_write_file /etc/docker/daemon.json 644 <<EOF
{
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" },
  "dns": ["$SHOWCASE_PRIVATE_IP"],
  "bip": "$SC_DOCKER_BIP",
  "default-address-pools": [{ "base": "$SC_DOCKER_POOL_CIDR", "size": $SC_DOCKER_POOL_SIZE }]
}
EOF
    showcase_pending_if_changed docker-daemon

    showcase_step docker-install
    _dk_have_ce=$(showcase_pkg_version docker-ce)
    _dk_have_cli=$(showcase_pkg_version docker-ce-cli)
    _dk_have_ctd=$(showcase_pkg_version containerd.io)
    case "$_dk_have_ce|$_dk_have_cli|$_dk_have_ctd" in
        "5:$DOCKER_CE_VERSION-"*"|5:$DOCKER_CE_VERSION-"*"|$CONTAINERD_VERSION-"*)
            showcase_log "    docker-ce $_dk_have_ce already installed"
            ;;
        *)
            showcase_apt_update
            _dk_ce=$(showcase_repo_version docker-ce "5:$DOCKER_CE_VERSION-")
            _dk_ctd=$(showcase_repo_version containerd.io "$CONTAINERD_VERSION-")
            if [ -z "$_dk_ce" ] || [ -z "$_dk_ctd" ]; then
                showcase_die 1 "docker-ce $DOCKER_CE_VERSION or containerd.io $CONTAINERD_VERSION not found in $DOCKER_APT_URL"
            fi
            showcase_log "    installing docker-ce $_dk_ce, containerd.io $_dk_ctd"
            showcase_retry 3 15 showcase_apt_get install --no-install-recommends \
                --allow-downgrades --allow-change-held-packages \
                "docker-ce=$_dk_ce" "docker-ce-cli=$_dk_ce" "containerd.io=$_dk_ctd" docker-buildx-plugin
            ;;
    esac
    for _dk_pkg in docker-ce docker-ce-cli containerd.io; do
        if ! apt-mark showhold | grep -qx "$_dk_pkg"; then
            showcase_run apt-mark hold "$_dk_pkg"
        fi
    done

    if ! systemctl is-enabled --quiet docker; then
        showcase_run systemctl enable docker
    fi
    if ! systemctl is-active --quiet docker; then
        showcase_run systemctl start docker
    elif [ "$_dk_was_active" -eq 1 ] && showcase_is_pending docker-daemon; then
        showcase_run dockerd --validate --config-file /etc/docker/daemon.json
        showcase_log "    daemon.json changed: restarting Docker (containers come back: --restart unless-stopped)"
        showcase_run systemctl restart docker
    fi
    showcase_clear_pending docker-daemon
    if ! showcase_wait_for "docker daemon" 30 2 docker info; then
        showcase_die 1 "the Docker daemon does not answer"
    fi
}

# No overlay network. Weave Net (2016) is archived and its Docker API version is refused by Docker 25+.
# Containers use host networking (platform services) or Docker's bridge with host ports from the agents'
# 50000-60000 range (tasks); hosts reach each other over the VPC's own routing; names come from Consul DNS.
showcase_step_overlay() {
    showcase_step overlay
    showcase_log "    none: host networking + VPC routing + Consul DNS (see docs/bootstrap.md)"
}

# showcase_step_consul server|client: the Consul agent in a container on the host network.
showcase_step_consul() {
    showcase_step "consul-$1"
    if [ "$1" = server ]; then
        _cs_mode='"server": true,
  "bootstrap_expect": 1,
  "ui_config": { "enabled": true },'
    else
        _cs_mode='"server": false,
  "leave_on_terminate": true,'
    fi
    showcase_ensure_dir "$BOOTSTRAP_ETC/consul" 755
    showcase_ensure_dir "$BOOTSTRAP_LIB/consul" 755
    # Gossip key and ACL tokens in their own file, readable by the image's consul user only. ACLs deny by
    # default; the server's initial_management token is the management token from Parameter Store, and every
    # agent (server included) identifies itself with the agent token. The master creates the tokens' policies.
    _cs_gossip=$(cat "$BOOTSTRAP_SECRETS/consul-gossip-key")
    _cs_tokens="\"agent\": \"$(cat "$BOOTSTRAP_SECRETS/consul-agent-token")\""
    if [ "$1" = server ]; then
        _cs_tokens="\"initial_management\": \"$(cat "$BOOTSTRAP_SECRETS/consul-management-token")\", $_cs_tokens"
    fi
    showcase_write_file "$BOOTSTRAP_ETC/consul/showcaseops-secrets.json" 600 <<EOF
{
  "encrypt": "$_cs_gossip",
  "acl": {
    "enabled": true,
    "default_policy": "deny",
    "down_policy": "extend-cache",
    "enable_token_persistence": false,
    "tokens": { $_cs_tokens }
  }
}
EOF
    if [ "$(stat -c %u:%g "$BOOTSTRAP_ETC/consul/showcaseops-secrets.json")" != "$SC_CONSUL_UID_GID" ]; then
        chown "$SC_CONSUL_UID_GID" "$BOOTSTRAP_ETC/consul/showcaseops-secrets.json"
    fi
    showcase_write_file "$BOOTSTRAP_ETC/consul/showcaseops.json" 644 <<EOF
{
  "datacenter": "$SHOWCASE_CLUSTER",
  "domain": "$CONSUL_DOMAIN",
  "node_name": "$SHOWCASE_NODE_NAME",
  $_cs_mode
  "bind_addr": "$SHOWCASE_PRIVATE_IP",
  "advertise_addr": "$SHOWCASE_PRIVATE_IP",
  "client_addr": "127.0.0.1 $SHOWCASE_PRIVATE_IP",
  "retry_join": ["$SHOWCASE_MASTER_IP"],
  "ports": { "http": $SC_CONSUL_HTTP_PORT, "dns": $SC_CONSUL_DNS_PORT },
  "node_meta": { "showcaseops_role": "$BOOTSTRAP_ROLE", "showcaseops_cluster": "$SHOWCASE_CLUSTER" },
  "enable_script_checks": false,
  "disable_update_check": true
}
EOF
    _cs_config=$(cat "$BOOTSTRAP_ETC/consul/showcaseops.json" "$BOOTSTRAP_ETC/consul/showcaseops-secrets.json" |
        sha256sum | cut -c1-16)
    showcase_pull "$CONSUL_IMAGE"
    # The image's entrypoint adds -data-dir=/consul/data -config-dir=/consul/config to `agent`.
    showcase_ensure_container showcase-consul \
        --network host \
        --label "org.showcaseops.config=$_cs_config" \
        -v "$BOOTSTRAP_ETC/consul:/consul/config" \
        -v "$BOOTSTRAP_LIB/consul:/consul/data" \
        "$CONSUL_IMAGE" agent

    showcase_step consul-wait
    if ! showcase_wait_for "consul agent API" 60 2 showcase_consul_api_ok; then
        showcase_container_log_tail showcase-consul
        showcase_die 1 "the Consul agent API does not answer on 127.0.0.1:$SC_CONSUL_HTTP_PORT"
    fi
    if [ "$1" = server ]; then
        if ! showcase_wait_for "consul leader" 90 2 showcase_consul_has_leader; then
            showcase_container_log_tail showcase-consul
            showcase_die 1 "the Consul server elected no leader"
        fi
    elif ! showcase_wait_for "consul cluster (leader via $SHOWCASE_MASTER_IP)" 60 5 showcase_consul_has_leader; then
        # Not fatal: the agent keeps retrying to join, and local registrations sync once it has.
        showcase_warn "no Consul leader reachable yet via $SHOWCASE_MASTER_IP (is the master bootstrapped?)"
    fi
}

# Everything every role needs, in order.
showcase_common_steps() {
    showcase_step_hostname
    showcase_step_secrets
    showcase_step_time_sync
    showcase_step_sysctl
    showcase_step_dns_forwarding
    showcase_step_docker
    showcase_step_overlay
    if [ "$BOOTSTRAP_ROLE" = master ]; then
        showcase_step_consul server
    else
        showcase_step_consul client
    fi
}

# Last lines of every successful run: a short container summary, then the marker the module looks for.
showcase_finish() {
    showcase_step summary
    docker ps -a --filter "label=$SC_OWNER_LABEL" --format '    {{.Names}}: {{.Status}}' </dev/null
    showcase_logfile "bootstrap finished: role=$BOOTSTRAP_ROLE"
    BOOTSTRAP_STEP=finished
    printf 'SHOWCASE-BOOTSTRAP-OK %s\n' "$BOOTSTRAP_ROLE"
}
