# shellcheck shell=sh
# ShowcaseOps host bootstrap -- part 3 of 3, role "agent" (private subnet):
# Consul client (from common.sh) and the Mesos agent, which runs Marathon's Docker tasks on host ports
# 50000-60000 of this host.
# Runs only concatenated after versions.sh and common.sh (the module does that).

if ! command -v showcase_begin >/dev/null 2>&1; then
    echo "agent.sh must run concatenated after versions.sh and common.sh" >&2
    exit 2
fi

# The Mesos agent in a container (host network, host PID namespace, Docker socket and the host's docker CLI
# mounted, so it starts task containers as siblings on the host's Docker daemon).
#
# cgroup v2 risk: Ubuntu 24.04 boots with the unified cgroup v2 hierarchy only, which the released Mesos 1.x
# agents cannot use for their cgroups isolators or systemd integration. The agent is therefore started with
#   --launcher=posix                      (no cgroups-based launcher)
#   --isolation=posix/cpu,posix/mem       (no cgroups isolators; Docker itself enforces the task limits)
#   --no-systemd_enable_support           (do not try to place executors in systemd slices)
# Untested on real hosts. If the agent still fails, the documented fallback is booting the agents with
# cgroup v1 (kernel argument systemd.unified_cgroup_hierarchy=0, still accepted by Ubuntu 24.04); see
# docs/bootstrap.md, "Known risks".
# A static docker CLI for the Mesos agent container, copied out of the pinned official image once.
agent_docker_cli() {
    showcase_step docker-cli-for-mesos
    _dc_dir=$BOOTSTRAP_LIB/bin
    showcase_ensure_dir "$_dc_dir" 755
    if [ -x "$_dc_dir/docker" ] && [ "$(cat "$_dc_dir/docker.image" 2>/dev/null || true)" = "$DOCKER_CLI_IMAGE" ]; then
        showcase_log "    $_dc_dir/docker from $DOCKER_CLI_IMAGE already present"
        return 0
    fi
    showcase_pull "$DOCKER_CLI_IMAGE"
    _dc_cid=$(docker create --pull never --label "$SC_OWNER_LABEL" "$DOCKER_CLI_IMAGE" </dev/null)
    _dc_rc=0
    showcase_run docker cp "$_dc_cid:/usr/local/bin/docker" "$_dc_dir/docker.new" || _dc_rc=$?
    showcase_run docker rm "$_dc_cid"
    if [ "$_dc_rc" -ne 0 ]; then
        showcase_die 1 "could not copy the docker CLI out of $DOCKER_CLI_IMAGE"
    fi
    chmod 755 "$_dc_dir/docker.new"
    mv -f "$_dc_dir/docker.new" "$_dc_dir/docker"
    printf '%s\n' "$DOCKER_CLI_IMAGE" >"$_dc_dir/docker.image"
    showcase_log "    installed $_dc_dir/docker from $DOCKER_CLI_IMAGE"
}

agent_mesos_agent() {
    showcase_step mesos-agent
    _ag_fs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo unknown)
    if [ "$_ag_fs" = cgroup2fs ]; then
        showcase_warn "cgroup v2 host: Mesos agent runs with --launcher=posix and posix isolation (no cgroups)"
    fi
    # The work directory has the same path inside and outside the container: Docker task containers bind
    # their sandbox from it by host path.
    showcase_ensure_dir /var/lib/mesos 755
    showcase_ensure_dir /var/lib/mesos/agent 755
    showcase_pull "$MESOS_AGENT_IMAGE"
    # The image's own docker CLI is too old for Docker 28: the static CLI from agent_docker_cli is mounted.
    showcase_ensure_container showcase-mesos-agent \
        --network host \
        --pid host \
        --cgroupns host \
        --privileged \
        --label "org.showcaseops.docker-cli=$DOCKER_CLI_IMAGE" \
        -v /var/run/docker.sock:/var/run/docker.sock \
        -v "$BOOTSTRAP_LIB/bin/docker:/usr/local/bin/docker:ro" \
        -v /var/lib/mesos/agent:/var/lib/mesos/agent \
        "$MESOS_AGENT_IMAGE" \
        --master="zk://$SHOWCASE_MASTER_IP:$SC_ZOOKEEPER_PORT/mesos" \
        --ip="$SHOWCASE_PRIVATE_IP" \
        --hostname="$SHOWCASE_PRIVATE_IP" \
        --no-hostname_lookup \
        --port="$SC_MESOS_AGENT_PORT" \
        --work_dir=/var/lib/mesos/agent \
        --containerizers=docker,mesos \
        --docker=/usr/local/bin/docker \
        --docker_socket=/var/run/docker.sock \
        --resources="ports:[$SC_AGENT_PORT_RANGE]" \
        --attributes="cluster:$SHOWCASE_CLUSTER" \
        --executor_registration_timeout=5mins \
        --no-switch_user \
        --launcher=posix \
        --isolation=posix/cpu,posix/mem \
        --no-systemd_enable_support
    showcase_wait_http "mesos agent" "http://$SHOWCASE_PRIVATE_IP:$SC_MESOS_AGENT_PORT/health" 40 3 \
        showcase-mesos-agent
}

showcase_begin agent
showcase_common_steps
agent_docker_cli
agent_mesos_agent
showcase_finish
