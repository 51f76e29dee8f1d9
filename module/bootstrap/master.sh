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
    showcase_wait_http "mesos master" "http://$SHOWCASE_PRIVATE_IP:$SC_MESOS_MASTER_PORT/health" 60 3 \
        showcase-mesos-master
}

# Marathon (archived; last build v1.11.24) reads MARATHON_* variables as its command-line flags.
# Its HTTP event callbacks (2016's http_callback) are gone since 1.5: consumers use GET /v2/events (SSE).
master_marathon() {
    showcase_step marathon
    showcase_pull "$MARATHON_IMAGE"
    showcase_ensure_container showcase-marathon \
        --network host \
        -e "MARATHON_MASTER=zk://$SHOWCASE_MASTER_IP:$SC_ZOOKEEPER_PORT/mesos" \
        -e "MARATHON_ZK=zk://$SHOWCASE_MASTER_IP:$SC_ZOOKEEPER_PORT/marathon" \
        -e "MARATHON_HOSTNAME=$SHOWCASE_PRIVATE_IP" \
        -e "MARATHON_HTTP_PORT=$SC_MARATHON_PORT" \
        -e MARATHON_ZK_CONNECTION_TIMEOUT=60000 \
        -e "LIBPROCESS_IP=$SHOWCASE_PRIVATE_IP" \
        "$MARATHON_IMAGE"
    showcase_wait_http "marathon" "http://$SHOWCASE_PRIVATE_IP:$SC_MARATHON_PORT/ping" 60 5 showcase-marathon
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

master_registrations() {
    showcase_step consul-registrations
    showcase_consul_register mesos "$SC_MESOS_MASTER_PORT" http \
        "http://$SHOWCASE_PRIVATE_IP:$SC_MESOS_MASTER_PORT/health"
    showcase_consul_register marathon "$SC_MARATHON_PORT" http \
        "http://$SHOWCASE_PRIVATE_IP:$SC_MARATHON_PORT/ping"
    showcase_consul_register mesos-zookeeper "$SC_ZOOKEEPER_PORT" tcp \
        "$SHOWCASE_PRIVATE_IP:$SC_ZOOKEEPER_PORT"
    showcase_consul_register vulcand "$SC_VULCAND_API_PORT" http \
        "http://$SHOWCASE_PRIVATE_IP:$SC_VULCAND_API_PORT/v2/status"
}

showcase_begin master
showcase_common_steps
master_zookeeper
master_mesos_master
master_marathon
master_etcd
master_vulcand_image
master_vulcand
master_registrations
showcase_finish
