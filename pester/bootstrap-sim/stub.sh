#!/usr/bin/env bash
# One stub for every external command the bootstrap scripts run (linked under each command's name, first on PATH
# inside the simulation's mount namespace). Each call is appended to $SIM_STATE/calls.log as "<step>\t<argv>",
# where <step> is the bootstrap step being run (the last "==> " line of the host log). State lives in files under
# $SIM_STATE, so later calls see what earlier ones did (`docker inspect` after `docker run`, ...).
# SIM_FAIL: an exact argv line ("docker run -d ...") that fails (exit 1) every time it is called in this run.
set -u
S=$SIM_STATE
name=${0##*/}
argv="$name $*"
step=$(sed -n 's/.*==> //p' /var/log/showcaseops/bootstrap.log 2>/dev/null | tail -n 1)
printf '%s\t%s\n' "${step:-none}" "$argv" >>"$S/calls.log"
if [ -n "${SIM_FAIL:-}" ] && [ "$argv" = "$SIM_FAIL" ]; then
    echo "stub: injected failure of: $argv" >&2
    exit 1
fi

key() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }
counter() { # counter NAME -> increments and prints
    local f="$S/counters/$1" n=0
    mkdir -p "$S/counters"
    [ -f "$f" ] && n=$(cat "$f")
    n=$((n + 1))
    echo "$n" >"$f"
    echo "$n"
}
unit_files() {
    case $1 in
        systemd-resolved) cat /etc/systemd/resolved.conf.d/* 2>/dev/null ;;
        chrony) cat /etc/chrony/sources.d/* 2>/dev/null ;;
        docker) cat /etc/docker/daemon.json 2>/dev/null ;;
        showcaseops-firewall) cat /usr/local/sbin/showcaseops-firewall 2>/dev/null ;;
    esac
}
unit_start() { # records what configuration the unit was (re)started with
    mkdir -p "$S/systemd"
    : >"$S/systemd/$1.active"
    unit_files "$1" | sha256sum | cut -c1-16 >"$S/systemd/$1.started-with"
    if [ "$1" = showcaseops-firewall ]; then
        /usr/local/sbin/showcaseops-firewall || { rm -f "$S/systemd/$1.active"; return 1; }
    fi
    return 0
}
docker_up() { [ -e "$S/systemd/docker.active" ]; }
running() { [ "$(cat "$S/docker/containers/$1/running" 2>/dev/null)" = true ]; }

stub_docker() {
    docker_up || { echo "Cannot connect to the Docker daemon" >&2; return 1; }
    local C="$S/docker/containers" I="$S/docker/images"
    mkdir -p "$C" "$I" "$S/docker/networks"
    case "$1 ${2:-}" in
        "info "*) return 0 ;;
        "container inspect")
            local n=${!#}
            [ -d "$C/$n" ] || return 1
            case "$*" in
                *org.showcaseops.spec*) cat "$C/$n/spec" ;;
                *State.Running*) cat "$C/$n/running" ;;
            esac
            return 0 ;;
        "image inspect") [ -e "$I/$(key "$3")" ] ;;
        "pull -q") : >"$I/$(key "$3")" ;;
        "network inspect") [ -e "$S/docker/networks/$3" ] ;;
        "network create") : >"$S/docker/networks/${!#}" ;;
        "start "*) [ -d "$C/$2" ] && echo true >"$C/$2/running" ;;
        "rm -f") rm -rf "${C:?}/$3" ;;
        "rm "*) rm -rf "${C:?}/$2" ;;
        "exec "*) running "$2" ;;
        "logs "*) return 0 ;;
        "ps -a") for d in "$C"/*/; do [ -d "$d" ] && printf '    %s: running=%s\n' "$(basename "$d")" "$(cat "$d/running")"; done; return 0 ;;
        "build "*) local t; t=$(printf '%s\n' "$@" | sed -n '/^-t$/{n;p}'); : >"$I/$(key "$t")" ;;
        "create "*) [ -e "$I/$(key "${!#}")" ] || return 125; mkdir -p "$C/cid1"; echo false >"$C/cid1/running"; echo cid1 ;;
        "cp "*) printf 'fake docker cli\n' >"$3" ;;
        "run "*) docker_run "$@" ;;
        *) echo "stub docker: unhandled: $*" >&2; return 2 ;;
    esac
}

docker_run() {
    shift
    local name="" spec="" rm=0 image="" a
    while [ $# -gt 0 ]; do
        a=$1
        case $a in
            --name) name=$2; shift 2 ;;
            --label) case $2 in org.showcaseops.spec=*) spec=${2#*=} ;; esac; shift 2 ;;
            --rm) rm=1; shift ;;
            -d | --privileged) shift ;;
            --pull | --restart | --network | -e | -v | -p | --env-file | --user | --pid | --cgroupns) shift 2 ;;
            -*) echo "stub docker run: unknown option $a" >&2; return 2 ;;
            *) image=$a; shift; break ;;
        esac
    done
    [ -e "$S/docker/images/$(key "$image")" ] || { echo "Unable to find image '$image' locally" >&2; return 125; }
    if [ "$rm" -eq 1 ]; then # one-off: the kong CLI (migrations)
        case "$*" in
            "kong migrations list") [ -e "$S/kong-db" ] && return 0; return 3 ;;
            "kong migrations bootstrap") : >"$S/kong-db"; return 0 ;;
            *) return 0 ;;
        esac
    fi
    [ -d "$S/docker/containers/$name" ] && { echo "Conflict: name $name in use" >&2; return 125; }
    mkdir -p "$S/docker/containers/$name"
    echo "$spec" >"$S/docker/containers/$name/spec"
    echo "$image" >"$S/docker/containers/$name/image"
    echo true >"$S/docker/containers/$name/running"
    echo "0123456789ab"
}

# --- curl ----------------------------------------------------------------------------------------------------
stub_curl() {
    local out="" fmt="" conf="" method=GET data="" url="" fail=0 sigv4=""
    while [ $# -gt 0 ]; do
        case $1 in
            -o) out=$2; shift 2 ;;
            -w) fmt=$2; shift 2 ;;
            -K) conf=$2; shift 2 ;;
            -X) method=$2; shift 2 ;;
            --data-binary) data=${2#@}; shift 2 ;;
            --aws-sigv4) sigv4=$2; shift 2 ;;
            -H | --connect-timeout | --max-time | --retry) shift 2 ;;
            -f | -fsS | -fsSL | -sf) fail=1; shift ;;
            -s | -S | -L | -sS) shift ;;
            http://* | https://*) url=$1; shift ;;
            *) echo "stub curl: unknown argument $1" >&2; return 2 ;;
        esac
    done
    local code=200 body=""
    route
    if [ -n "$out" ]; then printf '%s' "$body" >"$out"; elif [ -z "$fmt" ]; then printf '%s' "$body"; fi
    [ -n "$fmt" ] && printf '%s' "$code"
    if [ "$fail" -eq 1 ] && [ "$code" -ge 400 ]; then return 22; fi
    return 0
}

conf_has() { [ -n "$conf" ] && grep -qF -- "$1" "$conf"; }
secret() { cat "$SIM_SECRETS/$1"; }
consul_token_ok() { # the request carries a token the simulated Consul knows
    local t
    for t in consul-management-token consul-registrar-token; do
        conf_has "X-Consul-Token: $(secret "$t")" && { TOKEN=$t; return 0; }
    done
    return 1
}
leader_after() { # leader_after NAME: no leader for the first SIM_LEADERLESS_POLLS polls of NAME
    [ "$(counter "poll-$1")" -gt "${SIM_LEADERLESS_POLLS:-0}" ]
}

route() {
    local A="$S/consul/acl" TOKEN=""
    mkdir -p "$A/policies" "$A/tokens" "$S/consul/services"
    case "$method $url" in
        "PUT http://169.254.169.254/latest/api/token") body=imds-token-abc ;;
        "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/")
            conf_has imds-token-abc || code=401; body=showcase-role ;;
        "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/showcase-role")
            conf_has imds-token-abc || code=401
            body='{"Code":"Success","AccessKeyId":"ASIASIMULATED","SecretAccessKey":"sim-secret-access-key","Token":"sim-session-token"}' ;;
        "GET http://169.254.169.254/latest/meta-data/placement/region") body=eu-west-1 ;;
        "POST https://ssm.eu-west-1.amazonaws.com/" | "GET https://ssm.eu-west-1.amazonaws.com/")
            local pname; pname=$(sed -n 's/.*"Name":"\([^"]*\)".*/\1/p' "$data")
            echo "$pname" >>"$S/ssm-requests"
            if [ "$sigv4" != "aws:amz:eu-west-1:ssm" ] || ! conf_has 'user = "ASIASIMULATED:sim-secret-access-key"'; then
                code=403; body='{"__type":"UnrecognizedClientException"}'
            elif [ -f "$SIM_SECRETS/${pname##*/}" ] && [ "$pname" = "/showcaseops/$SIM_CLUSTER/${pname##*/}" ]; then
                body="{\"Parameter\":{\"Name\":\"$pname\",\"Type\":\"SecureString\",\"Value\":\"$(secret "${pname##*/}")\",\"Version\":1}}"
            else
                code=400; body='{"__type":"ParameterNotFound"}'
            fi ;;
        "GET https://download.docker.com/linux/ubuntu/gpg") body=SIMULATED-DOCKER-KEY ;;
        *127.0.0.1:8500/*) running showcase-consul || { code=000; return; }; route_consul ;;
        "GET http://$SIM_IP:5050/master/state")
            running showcase-mesos-master || { code=000; return; }
            if leader_after mesos; then body="{\"leader\":\"master@$SIM_IP:5050\"}"; else body='{"leader":""}'; fi ;;
        "GET http://$SIM_IP:8080/v2/leader")
            running showcase-marathon || { code=000; return; }
            if ! conf_has "user = \"$(secret marathon-credentials)\""; then code=401
            elif leader_after marathon; then body="{\"leader\":\"$SIM_IP:8080\"}"; else code=404; fi ;;
        "GET http://127.0.0.1:2379/health") running showcase-etcd || code=000 ;;
        "GET http://$SIM_IP:8182/v2/status") running showcase-vulcand || code=000 ;;
        "GET http://$SIM_IP:5051/health") running showcase-mesos-agent || code=000 ;;
        "GET http://127.0.0.1:8001/status") running showcase-kong || code=000 ;;
        *) echo "stub curl: unhandled $method $url" >&2; code=404 ;;
    esac
    if [ "$code" = 000 ]; then return; fi
}

route_consul() {
    local path=${url#http://127.0.0.1:8500} id
    case "$method $path" in
        "GET /v1/status/leader") body="\"$SIM_MASTER_IP:8300\"" ; return ;;
    esac
    consul_token_ok || { code=403; body='ACL not found'; return; }
    case "$method $path" in
        "GET /v1/acl/token/self") [ "$TOKEN" = consul-management-token ] || code=403 ;;
        "GET /v1/agent/service/"*) [ -f "$S/consul/services/${path##*/}" ] || code=404 ;;
        "PUT /v1/agent/service/register")
            id=$(sed -n 's/.*"ID": "\([^"]*\)".*/\1/p' "$data" | head -n 1); cp "$data" "$S/consul/services/$id" ;;
        "GET /v1/acl/policy/name/"*)
            [ -f "$A/policies/${path##*/}" ] || { code=403; return; }
            body="{\"ID\":\"policy-${path##*/}\",\"Name\":\"${path##*/}\"}" ;;
        "PUT /v1/acl/policy")
            id=$(sed -n 's/.*"Name": "\([^"]*\)".*/\1/p' "$data"); [ -f "$A/policies/$id" ] && { code=400; return; }
            cp "$data" "$A/policies/$id" ;;
        "PUT /v1/acl/policy/policy-"*) id=${path##*/policy-}; [ -f "$A/policies/$id" ] || { code=404; return; }; cp "$data" "$A/policies/$id" ;;
        "GET /v1/acl/token/00000000-0000-0000-0000-000000000002")
            if [ -f "$A/tokens/anonymous" ]; then body=$(cat "$A/tokens/anonymous"); else body='{"Policies":[]}'; fi ;;
        "PUT /v1/acl/token/00000000-0000-0000-0000-000000000002") cp "$data" "$A/tokens/anonymous" ;;
        "GET /v1/acl/token/"*) [ -f "$A/tokens/${path##*/}" ] || { code=403; return; }; body=$(cat "$A/tokens/${path##*/}") ;;
        "PUT /v1/acl/token")
            id=$(sed -n 's/.*"AccessorID": "\([^"]*\)".*/\1/p' "$data"); [ -f "$A/tokens/$id" ] && { code=400; return; }
            cp "$data" "$A/tokens/$id" ;;
        "PUT /v1/acl/token/"*) [ -f "$A/tokens/${path##*/}" ] || { code=404; return; }; cp "$data" "$A/tokens/${path##*/}" ;;
        "DELETE /v1/acl/token/"*) rm -f "$A/tokens/${path##*/}" ;;
        *) echo "stub consul: unhandled $method $path" >&2; code=404 ;;
    esac
}

# --- packages, systemd, the rest -------------------------------------------------------------------------------
stub_dpkg_query() {
    local v
    v=$(cat "$S/apt/installed/${!#}" 2>/dev/null) || return 1
    printf 'ii |%s' "$v"
}

stub_apt_get() {
    mkdir -p "$S/apt/installed"
    local a install=0 p
    for a in "$@"; do
        case $a in
            update) : >"$S/apt/updated" ;;
            install) install=1 ;;
            -*) ;;
            *) if [ "$install" -eq 1 ]; then
                   p=${a%%=*}
                   [ -e "$S/apt/updated" ] || { echo "E: Unable to locate package $p" >&2; return 100; }
                   if [ "$p" = "$a" ]; then echo 1.0 >"$S/apt/installed/$p"; else echo "${a#*=}" >"$S/apt/installed/$p"; fi
                   case $p in
                       chrony | docker-ce) u=${p%-ce}; : >"$S/systemd/$u.enabled"; unit_start "$u" ;;
                   esac
               fi ;;
        esac
    done
}

stub_systemctl() {
    mkdir -p "$S/systemd"
    local u=${!#}
    case "$1 ${2:-}" in
        "is-enabled --quiet") [ -e "$S/systemd/$u.enabled" ] ;;
        "is-active --quiet") [ -e "$S/systemd/$u.active" ] ;;
        "enable "*) : >"$S/systemd/$u.enabled" ;;
        "start "* | "restart "*) unit_start "$u" ;;
        "daemon-reload ") return 0 ;;
        *) echo "stub systemctl: unhandled $*" >&2; return 2 ;;
    esac
}

stub_snap() {
    case "$*" in
        "list amazon-ssm-agent")
            printf 'Name Version Rev Tracking Publisher Notes\namazon-ssm-agent 3.3.1 11797 latest/stable/… aws✓ %s\n' \
                "$( [ -e "$S/snap-held" ] && echo classic,held || echo classic)" ;;
        "refresh --hold=3h amazon-ssm-agent") : >"$S/snap-held" ;;
        "refresh --unhold amazon-ssm-agent") rm -f "$S/snap-held" ;;
        *) echo "stub snap: unhandled $*" >&2; return 2 ;;
    esac
}

stub_iptables() {
    local op=$2 rule
    shift 2
    rule="$*"
    touch "$S/iptables"
    case $1 in DOCKER-USER) docker_up || { echo "iptables: No chain/target/match by that name." >&2; return 1; } ;; esac
    case $op in
        -C) grep -qxF -- "$rule" "$S/iptables" ;;
        -I) printf '%s\n' "$rule" >>"$S/iptables" ;;
        *) return 2 ;;
    esac
}

mkdir -p "$S"
case $name in
    docker) stub_docker "$@" ;;
    curl) stub_curl "$@" ;;
    dpkg-query) stub_dpkg_query "$@" ;;
    apt-get) stub_apt_get "$@" ;;
    apt-cache)
        case ${2:-} in
            docker-ce) echo " docker-ce | 5:28.5.2-1~ubuntu.24.04~noble | https://download.docker.com/linux/ubuntu noble/stable amd64 Packages" ;;
            containerd.io) echo " containerd.io | 1.7.28-1~ubuntu.24.04~noble | https://download.docker.com/linux/ubuntu noble/stable amd64 Packages" ;;
        esac ;;
    apt-mark)
        touch "$S/apt/holds"
        case $1 in showhold) cat "$S/apt/holds" ;; hold) echo "$2" >>"$S/apt/holds" ;; esac ;;
    systemctl) stub_systemctl "$@" ;;
    snap) stub_snap "$@" ;;
    iptables) stub_iptables "$@" ;;
    cloud-init) exit 0 ;;
    fuser) [ "$(counter fuser)" -le "${SIM_APT_BUSY:-0}" ] ;;
    gpg) grep -q SIMULATED-DOCKER-KEY "${!#}" && echo "fpr:::::::::9DC858229FC7DD38854AE2D88D81803C0EBFCD88:" ;;
    ip) printf '1: lo    inet 127.0.0.1/8 scope host lo\n2: ens5    inet %s/24 brd 10.0.1.255 scope global ens5\n' "$SIM_IP" ;;
    hostname) cat "$S/hostname" 2>/dev/null || echo ip-simulated ;;
    hostnamectl) echo "$2" >"$S/hostname" ;;
    sysctl) echo 1 >"$S/ip_forward" ;;
    dockerd) exit 0 ;;
    sleep) exit 0 ;;
    *) echo "stub: no behaviour for $name" >&2; exit 2 ;;
esac
