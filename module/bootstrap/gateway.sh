# shellcheck shell=sh
# ShowcaseOps host bootstrap -- part 3 of 3, role "gateway" (public subnet, Elastic IP):
# Consul client (from common.sh), PostgreSQL and Kong 3.9.2 on a private Docker network, the Kong Admin API
# published on the host's loopback only (the module reaches it over the SSM channel, on this host), and Kong's
# Consul registration (kong, 8001).
# Runs only concatenated after versions.sh and common.sh (the module does that).

if ! command -v showcase_begin >/dev/null 2>&1; then
    echo "gateway.sh must run concatenated after versions.sh and common.sh" >&2
    exit 2
fi

GW_NETWORK=showcase-kong
GW_KONG_ETC=$BOOTSTRAP_ETC/kong

# PostgreSQL for Kong: only on the private Docker network (no host port); password generated once on the host.
gateway_postgres() {
    showcase_step postgres
    showcase_ensure_dir "$GW_KONG_ETC" 700
    showcase_ensure_secret "$GW_KONG_ETC/pg-password"
    gw_pg_password=$(cat "$GW_KONG_ETC/pg-password")
    showcase_write_file "$GW_KONG_ETC/postgres.env" 600 <<EOF
POSTGRES_USER=kong
POSTGRES_DB=kong
POSTGRES_PASSWORD=$gw_pg_password
EOF
    gw_pg_env=$(showcase_sha256_file "$GW_KONG_ETC/postgres.env")
    # Kong's settings: read by the Kong container and by the one-off migration containers alike.
    # Inside the container Kong listens on 8000/8443 (proxy) and 8001 (admin); the host publishes them below.
    showcase_write_file "$GW_KONG_ETC/kong.env" 600 <<EOF
KONG_DATABASE=postgres
KONG_PG_HOST=showcase-postgres
KONG_PG_PORT=5432
KONG_PG_USER=kong
KONG_PG_DATABASE=kong
KONG_PG_PASSWORD=$gw_pg_password
KONG_PROXY_LISTEN=0.0.0.0:8000, 0.0.0.0:8443 ssl
KONG_ADMIN_LISTEN=0.0.0.0:$SC_KONG_ADMIN_PORT
KONG_ADMIN_GUI_LISTEN=off
KONG_PROXY_ACCESS_LOG=/dev/stdout
KONG_ADMIN_ACCESS_LOG=/dev/stdout
KONG_PROXY_ERROR_LOG=/dev/stderr
KONG_ADMIN_ERROR_LOG=/dev/stderr
KONG_ANONYMOUS_REPORTS=off
EOF
    showcase_ensure_network "$GW_NETWORK"
    showcase_ensure_dir "$BOOTSTRAP_LIB/postgres" 700
    showcase_pull "$POSTGRES_IMAGE"
    showcase_ensure_container showcase-postgres \
        --network "$GW_NETWORK" \
        --env-file "$GW_KONG_ETC/postgres.env" \
        --label "org.showcaseops.config=$gw_pg_env" \
        -v "$BOOTSTRAP_LIB/postgres:/var/lib/postgresql/data" \
        "$POSTGRES_IMAGE"
    # Over TCP: during its first initialisation the image runs a temporary server on the Unix socket only.
    if ! showcase_wait_for "postgres" 60 3 \
        docker exec showcase-postgres pg_isready -h 127.0.0.1 -U kong -d kong; then
        showcase_container_log_tail showcase-postgres
        showcase_die 1 "PostgreSQL does not accept connections"
    fi
}

# kong CLI in a one-off container next to the database.
gateway_kong_cli() {
    docker run --rm --pull never --network "$GW_NETWORK" --env-file "$GW_KONG_ETC/kong.env" "$KONG_IMAGE" kong "$@"
}

# `kong migrations list` exits 0 when the schema is current, 3 when the database needs bootstrapping,
# 4 when migrations are pending (`finish`), 5 when new migrations exist (`up`, then `finish`).
# The image whose schema was last found current is recorded, so later runs skip the check (a new Kong pin runs it).
gateway_kong_migrations() {
    showcase_step kong-migrations
    showcase_pull "$KONG_IMAGE"
    gw_mig_mark=$BOOTSTRAP_LIB/kong-schema
    if [ "$(cat "$gw_mig_mark" 2>/dev/null || true)" = "$KONG_IMAGE" ]; then
        showcase_log "    database schema is current for $KONG_IMAGE"
        return 0
    fi
    gw_mig_rc=0
    gateway_kong_cli migrations list </dev/null >>"$BOOTSTRAP_LOG" 2>&1 || gw_mig_rc=$?
    case $gw_mig_rc in
        0)
            showcase_log "    database schema is current"
            ;;
        3)
            showcase_log "    bootstrapping the Kong database"
            showcase_run gateway_kong_cli migrations bootstrap
            ;;
        4)
            showcase_log "    finishing pending Kong migrations"
            showcase_run gateway_kong_cli migrations finish
            ;;
        5)
            showcase_log "    running new Kong migrations"
            showcase_run gateway_kong_cli migrations up
            showcase_run gateway_kong_cli migrations finish
            ;;
        *)
            showcase_die 1 "kong migrations list failed with exit code $gw_mig_rc (see $BOOTSTRAP_LOG)"
            ;;
    esac
    printf '%s\n' "$KONG_IMAGE" | showcase_write_file "$gw_mig_mark" 644
}

# Kong: proxy on host ports 80/443 (public), Admin API on 127.0.0.1:8001 of the host only. Inside its own
# network namespace Kong's admin_listen is 0.0.0.0:8001 (Docker forwards the published port to the container's
# address); the host publishes it on loopback alone, so neither the VPC nor a container can reach it (Docker 28
# also drops packets for loopback-published ports that arrive from other hosts).
gateway_kong() {
    showcase_step kong
    gw_kong_env=$(showcase_sha256_file "$GW_KONG_ETC/kong.env")
    showcase_ensure_container showcase-kong \
        --network "$GW_NETWORK" \
        --env-file "$GW_KONG_ETC/kong.env" \
        --label "org.showcaseops.config=$gw_kong_env" \
        -p "$SC_KONG_PROXY_PORT:8000" \
        -p "$SC_KONG_PROXY_TLS_PORT:8443" \
        -p "127.0.0.1:$SC_KONG_ADMIN_PORT:$SC_KONG_ADMIN_PORT" \
        "$KONG_IMAGE"
    showcase_wait_http "kong admin API" "http://127.0.0.1:$SC_KONG_ADMIN_PORT/status" 40 3 showcase-kong
}

gateway_registrations() {
    showcase_step consul-registrations
    # Checked on loopback by this host's own Consul agent (the only place the Admin API answers).
    showcase_consul_register kong "$SC_KONG_ADMIN_PORT" http \
        "http://127.0.0.1:$SC_KONG_ADMIN_PORT/status"
}

showcase_begin gateway
showcase_common_steps
gateway_postgres
gateway_kong_migrations
gateway_kong
gateway_registrations
showcase_finish
