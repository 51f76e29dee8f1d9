# shellcheck shell=sh
# ShowcaseOps host bootstrap -- part 3 of 3, role "master" (private subnet):
# Consul server, ZooKeeper, Mesos master, Marathon, etcd + Vulcand, and their Consul registrations
# (mesos 5050, marathon 8080, mesos-zookeeper 2181, vulcand 8182).
# Runs only concatenated after versions.sh and common.sh (the module does that); all containers use the
# host network and advertise the private address, so agents and the gateway reach them over the VPC.

if ! command -v showcase_begin >/dev/null 2>&1; then
    echo "master.sh must run concatenated after versions.sh and common.sh" >&2
    exit 2
fi

master_zookeeper() {
    showcase_step zookeeper
    showcase_ensure_dir "$BOOTSTRAP_LIB/zookeeper" 755
    showcase_ensure_dir "$BOOTSTRAP_LIB/zookeeper/data" 755
    showcase_ensure_dir "$BOOTSTRAP_LIB/zookeeper/datalog" 755
    showcase_pull "$ZOOKEEPER_IMAGE"
    # One server (standalone). The AdminServer is off: it would take port 8080, which is Marathon's.
    showcase_ensure_container showcase-zookeeper \
        --network host \
        -e ZOO_MY_ID=1 \
        -e "ZOO_SERVERS=server.1=$SHOWCASE_PRIVATE_IP:2888:3888;$SC_ZOOKEEPER_PORT" \
        -e ZOO_ADMINSERVER_ENABLED=false \
        -e ZOO_4LW_COMMANDS_WHITELIST=ruok,srvr,mntr \
        -v "$BOOTSTRAP_LIB/zookeeper/data:/data" \
        -v "$BOOTSTRAP_LIB/zookeeper/datalog:/datalog" \
        "$ZOOKEEPER_IMAGE"
    if ! showcase_wait_for "zookeeper" 60 3 docker exec showcase-zookeeper zkServer.sh status; then
        showcase_container_log_tail showcase-zookeeper
        showcase_die 1 "ZooKeeper is not serving on port $SC_ZOOKEEPER_PORT"
    fi
}

master_mesos_master() {
    showcase_step mesos-master
    showcase_ensure_dir /var/lib/mesos 755
    showcase_ensure_dir /var/lib/mesos/master 755
    showcase_pull "$MESOS_MASTER_IMAGE"
    showcase_ensure_container showcase-mesos-master \
        --network host \
        -v /var/lib/mesos/master:/var/lib/mesos/master \
        "$MESOS_MASTER_IMAGE" \
        --zk="zk://$SHOWCASE_MASTER_IP:$SC_ZOOKEEPER_PORT/mesos" \
        --quorum=1 \
        --work_dir=/var/lib/mesos/master \
        --cluster="$SHOWCASE_CLUSTER" \
        --ip="$SHOWCASE_PRIVATE_IP" \
        --hostname="$SHOWCASE_PRIVATE_IP" \
        --no-hostname_lookup \
        --port="$SC_MESOS_MASTER_PORT"
    # /health answers before an election: readiness is a /master/state that names a leader.
    if ! showcase_wait_for "mesos master (leader elected)" 60 3 master_mesos_has_leader; then
        showcase_container_log_tail showcase-mesos-master
        showcase_die 1 "the Mesos master elected no leader (http://$SHOWCASE_PRIVATE_IP:$SC_MESOS_MASTER_PORT/master/state)"
    fi
}

master_mesos_has_leader() {
    curl -fsS --max-time 10 -o "$BOOTSTRAP_TMP/mesos-state" \
        "http://$SHOWCASE_PRIVATE_IP:$SC_MESOS_MASTER_PORT/master/state" &&
        grep -q '"leader"[[:space:]]*:[[:space:]]*"[^"]' "$BOOTSTRAP_TMP/mesos-state"
}

# /ping answers without a leader: readiness is /v2/leader answering 200 with a leader (404 while there is none).
master_marathon_has_leader() {
    curl -fsS --max-time 10 -K "$BOOTSTRAP_SECRETS/marathon.curl" -o "$BOOTSTRAP_TMP/marathon-leader" \
        "http://$SHOWCASE_PRIVATE_IP:$SC_MARATHON_PORT/v2/leader" &&
        grep -q '"leader"[[:space:]]*:[[:space:]]*"[^"]' "$BOOTSTRAP_TMP/marathon-leader"
}

# Marathon (archived; the 1.7 line matches Mesos 1.7, see versions.sh) turns MARATHON_* variables into flags.
# Its HTTP event callbacks (2016's http_callback) are gone since 1.5: consumers use GET /v2/events (SSE).
# HTTP Basic credentials: MESOSPHERE_HTTP_CREDENTIALS is read by Marathon itself as the default of
# --http_credentials, so, unlike MARATHON_HTTP_CREDENTIALS, it never becomes a command-line argument; it
# reaches the container from a root-only env file (docker reads it; the container's argv holds only the path).
master_marathon() {
    showcase_step marathon
    showcase_ensure_dir "$BOOTSTRAP_ETC/marathon" 700
    printf 'MESOSPHERE_HTTP_CREDENTIALS=%s\n' "$(cat "$BOOTSTRAP_SECRETS/marathon-credentials")" |
        showcase_write_file "$BOOTSTRAP_ETC/marathon/marathon.env" 600
    _mm_env=$(showcase_sha256_file "$BOOTSTRAP_ETC/marathon/marathon.env")
    showcase_pull "$MARATHON_IMAGE"
    showcase_ensure_container showcase-marathon \
        --network host \
        --env-file "$BOOTSTRAP_ETC/marathon/marathon.env" \
        --label "org.showcaseops.config=$_mm_env" \
        -e "MARATHON_MASTER=zk://$SHOWCASE_MASTER_IP:$SC_ZOOKEEPER_PORT/mesos" \
        -e "MARATHON_ZK=zk://$SHOWCASE_MASTER_IP:$SC_ZOOKEEPER_PORT/marathon" \
        -e "MARATHON_HOSTNAME=$SHOWCASE_PRIVATE_IP" \
        -e "MARATHON_HTTP_PORT=$SC_MARATHON_PORT" \
        -e MARATHON_ZK_CONNECTION_TIMEOUT=60000 \
        -e "LIBPROCESS_IP=$SHOWCASE_PRIVATE_IP" \
        "$MARATHON_IMAGE"
    if ! showcase_wait_for "marathon (leader elected)" 60 5 master_marathon_has_leader; then
        showcase_container_log_tail showcase-marathon
        showcase_die 1 "Marathon has no leader (http://$SHOWCASE_PRIVATE_IP:$SC_MARATHON_PORT/v2/leader)"
    fi
}

# etcd 3.6, single member, client and peer URLs on loopback only (Vulcand on this host is its only client).
master_etcd() {
    showcase_step etcd
    # Runs as an unprivileged user (65532, "nonroot" of the distroless base) that owns the data directory.
    showcase_ensure_dir "$BOOTSTRAP_LIB/etcd" 700 65532:65532
    showcase_pull "$ETCD_IMAGE"
    showcase_ensure_container showcase-etcd \
        --network host \
        --user 65532:65532 \
        -v "$BOOTSTRAP_LIB/etcd:/var/lib/etcd" \
        "$ETCD_IMAGE" \
        /usr/local/bin/etcd \
        --name="$SHOWCASE_NODE_NAME" \
        --data-dir=/var/lib/etcd/data \
        --listen-client-urls="http://127.0.0.1:$SC_ETCD_CLIENT_PORT" \
        --advertise-client-urls="http://127.0.0.1:$SC_ETCD_CLIENT_PORT" \
        --listen-peer-urls="http://127.0.0.1:$SC_ETCD_PEER_PORT" \
        --initial-advertise-peer-urls="http://127.0.0.1:$SC_ETCD_PEER_PORT" \
        --initial-cluster="$SHOWCASE_NODE_NAME=http://127.0.0.1:$SC_ETCD_PEER_PORT" \
        --initial-cluster-token="$SHOWCASE_CLUSTER-etcd" \
        --initial-cluster-state=new
    showcase_wait_http "etcd" "http://127.0.0.1:$SC_ETCD_CLIENT_PORT/health" 40 3 showcase-etcd
}

# Vulcand v0.9.2 has no published image: build it once from the tagged Go module into a scratch image.
master_vulcand_image() {
    showcase_step vulcand-image
    if docker image inspect "$VULCAND_IMAGE" >/dev/null 2>&1; then
        showcase_log "    $VULCAND_IMAGE already built"
        return 0
    fi
    showcase_write_file "$BOOTSTRAP_LIB/build/vulcand/Dockerfile" 644 <<'EOF'
# Managed by the ShowcaseOps bootstrap: Vulcand from its tagged Go module (go.sum verified by the toolchain).
ARG GOLANG_BUILD_IMAGE
FROM ${GOLANG_BUILD_IMAGE} AS build
ARG VULCAND_VERSION
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
RUN go install "github.com/vulcand/vulcand@${VULCAND_VERSION}" "github.com/vulcand/vulcand/vctl@${VULCAND_VERSION}"

FROM scratch
COPY --from=build /go/bin/vulcand /go/bin/vctl /usr/local/bin/
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
EXPOSE 8181 8182
ENTRYPOINT ["/usr/local/bin/vulcand"]
EOF
    showcase_pull "$GOLANG_BUILD_IMAGE"
    showcase_log "    building $VULCAND_IMAGE (Vulcand $VULCAND_VERSION; takes a few minutes)"
    showcase_retry 2 30 docker build -q \
        --label "$SC_OWNER_LABEL" \
        --build-arg "GOLANG_BUILD_IMAGE=$GOLANG_BUILD_IMAGE" \
        --build-arg "VULCAND_VERSION=$VULCAND_VERSION" \
        -t "$VULCAND_IMAGE" \
        "$BOOTSTRAP_LIB/build/vulcand"
}

master_vulcand() {
    showcase_step vulcand
    # v0.9.2 speaks the etcd v3 API (-etcdApiVer=3, its default); data port 8181, API 8182 on the private IP.
    showcase_ensure_container showcase-vulcand \
        --network host \
        "$VULCAND_IMAGE" \
        -etcd="http://127.0.0.1:$SC_ETCD_CLIENT_PORT" \
        -etcdApiVer=3 \
        -etcdKey=vulcand \
        -port="$SC_VULCAND_DATA_PORT" \
        -apiInterface="$SHOWCASE_PRIVATE_IP" \
        -apiPort="$SC_VULCAND_API_PORT"
    showcase_wait_http "vulcand" "http://$SHOWCASE_PRIVATE_IP:$SC_VULCAND_API_PORT/v2/status" 40 3 \
        showcase-vulcand
}

# --- Consul ACLs: policies and tokens, created idempotently with the management token --------------------------

# master_consul_api METHOD PATH [BODY_FILE] -> HTTP status on stdout; the answer in $BOOTSTRAP_TMP/consul.out.
master_consul_api() {
    if [ -n "${3:-}" ]; then
        curl -s --max-time 10 -K "$BOOTSTRAP_SECRETS/management.curl" -o "$BOOTSTRAP_TMP/consul.out" \
            -w '%{http_code}' -X "$1" --data-binary "@$3" "http://127.0.0.1:$SC_CONSUL_HTTP_PORT$2" </dev/null ||
            printf '000'
    else
        curl -s --max-time 10 -K "$BOOTSTRAP_SECRETS/management.curl" -o "$BOOTSTRAP_TMP/consul.out" \
            -w '%{http_code}' -X "$1" "http://127.0.0.1:$SC_CONSUL_HTTP_PORT$2" </dev/null || printf '000'
    fi
}

# master_consul_expect WHAT STATUS: fail unless the last call answered 200.
master_consul_expect() {
    if [ "$2" != 200 ]; then
        showcase_die 1 "Consul refused to $1 (HTTP $2)"
    fi
}

master_consul_acl_ready() {
    [ "$(master_consul_api GET /v1/acl/token/self)" = 200 ]
}

# master_consul_policy NAME RULES: the policy, created when absent, updated when its definition changed.
master_consul_policy() {
    _mp_file=$BOOTSTRAP_ETC/consul-acl/policy-$1.json
    showcase_write_file "$_mp_file" 644 <<EOF
{ "Name": "$1", "Description": "ShowcaseOps bootstrap", "Rules": "$2" }
EOF
    showcase_pending_if_changed "consul-policy-$1"
    _mp_status=$(master_consul_api GET "/v1/acl/policy/name/$1")
    case $_mp_status in
        200)
            if showcase_is_pending "consul-policy-$1"; then
                _mp_id=$(showcase_json_field ID "$BOOTSTRAP_TMP/consul.out")
                master_consul_expect "update policy $1" "$(master_consul_api PUT "/v1/acl/policy/$_mp_id" "$_mp_file")"
                showcase_log "    consul policy $1: updated"
            fi
            ;;
        403 | 404)
            master_consul_expect "create policy $1" "$(master_consul_api PUT /v1/acl/policy "$_mp_file")"
            showcase_log "    consul policy $1: created"
            ;;
        *) master_consul_expect "read policy $1" "$_mp_status" ;;
    esac
    showcase_clear_pending "consul-policy-$1"
}

# master_consul_token NAME ACCESSOR POLICY: token NAME with the fixed AccessorID and the SecretID from Parameter
# Store. A token whose SecretID differs (the parameter was rotated) is deleted and created again.
master_consul_token() {
    _mt_file=$BOOTSTRAP_SECRETS/consul-token-$1.json
    _mt_secret=$(cat "$BOOTSTRAP_SECRETS/consul-$1-token")
    showcase_write_file "$_mt_file" 600 <<EOF
{ "AccessorID": "$2", "SecretID": "$_mt_secret", "Description": "ShowcaseOps $1", "Policies": [{ "Name": "$3" }] }
EOF
    showcase_pending_if_changed "consul-token-$1"
    _mt_status=$(master_consul_api GET "/v1/acl/token/$2")
    if [ "$_mt_status" = 200 ] && [ "$(showcase_json_field SecretID "$BOOTSTRAP_TMP/consul.out")" != "$_mt_secret" ]; then
        master_consul_expect "delete the outdated $1 token" "$(master_consul_api DELETE "/v1/acl/token/$2")"
        _mt_status=404
    fi
    case $_mt_status in
        200)
            if showcase_is_pending "consul-token-$1"; then
                master_consul_expect "update the $1 token" "$(master_consul_api PUT "/v1/acl/token/$2" "$_mt_file")"
                showcase_log "    consul token $1: updated"
            fi
            ;;
        403 | 404)
            master_consul_expect "create the $1 token" "$(master_consul_api PUT /v1/acl/token "$_mt_file")"
            showcase_log "    consul token $1: created"
            ;;
        *) master_consul_expect "read the $1 token" "$_mt_status" ;;
    esac
    showcase_clear_pending "consul-token-$1"
}

# Policies: agent (its node, read services: what the agent token needs), registrar (register services: the
# bootstrap's own registrations and the module's), dns (read-only, given to the anonymous token so Consul DNS
# keeps answering with default deny).
master_consul_acl() {
    showcase_step consul-acl
    showcase_ensure_dir "$BOOTSTRAP_ETC/consul-acl" 755
    if ! showcase_wait_for "consul ACL system" 60 2 master_consul_acl_ready; then
        showcase_container_log_tail showcase-consul
        showcase_die 1 "the Consul server does not accept the management token (ACL system not ready)"
    fi
    master_consul_policy showcaseops-agent \
        'node_prefix \"\" { policy = \"write\" } service_prefix \"\" { policy = \"read\" }'
    master_consul_policy showcaseops-registrar \
        'service_prefix \"\" { policy = \"write\" } node_prefix \"\" { policy = \"read\" } agent_prefix \"\" { policy = \"read\" }'
    master_consul_policy showcaseops-dns \
        'node_prefix \"\" { policy = \"read\" } service_prefix \"\" { policy = \"read\" } query_prefix \"\" { policy = \"read\" }'
    master_consul_token agent "$SC_CONSUL_AGENT_ACCESSOR" showcaseops-agent
    master_consul_token registrar "$SC_CONSUL_REGISTRAR_ACCESSOR" showcaseops-registrar
    _ma_file=$BOOTSTRAP_ETC/consul-acl/token-anonymous.json
    showcase_write_file "$_ma_file" 644 <<EOF
{ "Description": "Anonymous Token (ShowcaseOps: DNS reads only)", "Policies": [{ "Name": "showcaseops-dns" }] }
EOF
    showcase_pending_if_changed consul-token-anonymous
    master_consul_expect "read the anonymous token" \
        "$(master_consul_api GET "/v1/acl/token/$SC_CONSUL_ANONYMOUS_ACCESSOR")"
    if showcase_is_pending consul-token-anonymous || ! grep -q '"showcaseops-dns"' "$BOOTSTRAP_TMP/consul.out"; then
        master_consul_expect "give the anonymous token the DNS policy" \
            "$(master_consul_api PUT "/v1/acl/token/$SC_CONSUL_ANONYMOUS_ACCESSOR" "$_ma_file")"
        showcase_log "    consul anonymous token: DNS reads only"
    fi
    showcase_clear_pending consul-token-anonymous
}

master_registrations() {
    showcase_step consul-registrations
    showcase_consul_register mesos "$SC_MESOS_MASTER_PORT" http \
        "http://$SHOWCASE_PRIVATE_IP:$SC_MESOS_MASTER_PORT/health"
    # TCP: every Marathon endpoint, /ping included, needs the HTTP credentials, which a check would expose.
    showcase_consul_register marathon "$SC_MARATHON_PORT" tcp \
        "$SHOWCASE_PRIVATE_IP:$SC_MARATHON_PORT"
    showcase_consul_register mesos-zookeeper "$SC_ZOOKEEPER_PORT" tcp \
        "$SHOWCASE_PRIVATE_IP:$SC_ZOOKEEPER_PORT"
    showcase_consul_register vulcand "$SC_VULCAND_API_PORT" http \
        "http://$SHOWCASE_PRIVATE_IP:$SC_VULCAND_API_PORT/v2/status"
}

showcase_begin master
showcase_common_steps
master_consul_acl
master_zookeeper
master_mesos_master
master_marathon
master_etcd
master_vulcand_image
master_vulcand
master_registrations
showcase_finish
