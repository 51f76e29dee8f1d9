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
# Mesos 1.7.1's Docker containerizer (read from its source) sets the limits with `docker run`; its later resizes
# look for cgroup v1 hierarchies, find none and are skipped with a warning; usage statistics are unavailable.
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

# Task containers (Docker's bridge and user-defined networks) may not reach any admin port: not this host's own
# (INPUT: the private address, the bridge gateway, 127.0.0.1 is not routable from a container) and not another
# host's in the VPC (DOCKER-USER, the chain Docker leaves to the operator in FORWARD). Their traffic would
# otherwise leave as this agent's address, which the security groups admit. DNS (53) and the task host ports stay
# open. The rules live in a script run by a oneshot unit after docker.service (a reboot or a Docker restart
# rebuilds the chains), and the script only adds the rules that are missing (`iptables -C`).
agent_firewall() {
    showcase_step firewall
    _fw_script=/usr/local/sbin/showcaseops-firewall
    showcase_write_file "$_fw_script" 755 <<EOF
#!/bin/sh
# Managed by the ShowcaseOps bootstrap: task containers may not reach the platform's admin ports.
set -eu
rule() {
    iptables -w -C "\$@" 2>/dev/null || iptables -w -I "\$@"
}
for src in $SC_DOCKER_BRIDGE_CIDR $SC_DOCKER_POOL_CIDR; do
    rule INPUT -s "\$src" -p tcp -m multiport --dports $SC_ADMIN_TCP_PORTS -j DROP
    rule INPUT -s "\$src" -p udp -m multiport --dports $SC_ADMIN_UDP_PORTS -j DROP
    rule DOCKER-USER -s "\$src" -d $SHOWCASE_VPC_CIDR -p tcp -m multiport --dports $SC_ADMIN_TCP_PORTS -j DROP
    rule DOCKER-USER -s "\$src" -d $SHOWCASE_VPC_CIDR -p udp -m multiport --dports $SC_ADMIN_UDP_PORTS -j DROP
done
EOF
    showcase_pending_if_changed firewall
    showcase_write_file /etc/systemd/system/showcaseops-firewall.service 644 <<EOF
# Managed by the ShowcaseOps bootstrap.
[Unit]
Description=ShowcaseOps: task containers may not reach the platform's admin ports
After=docker.service
Requires=docker.service
PartOf=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$_fw_script

[Install]
WantedBy=multi-user.target docker.service
EOF
    showcase_pending_if_changed firewall-unit
    if showcase_is_pending firewall-unit; then
        showcase_run systemctl daemon-reload
    fi
    showcase_clear_pending firewall-unit
    if ! systemctl is-enabled --quiet showcaseops-firewall; then
        showcase_run systemctl enable showcaseops-firewall
    fi
    if ! systemctl is-active --quiet showcaseops-firewall || showcase_is_pending firewall; then
        showcase_run systemctl restart showcaseops-firewall
    fi
    showcase_clear_pending firewall
    # Also run directly: it adds only the rules that are missing (say, one an operator deleted), else changes nothing.
    showcase_run "$_fw_script"
    showcase_log "    admin ports closed to task containers ($SC_ADMIN_TCP_PORTS tcp, $SC_ADMIN_UDP_PORTS udp)"
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
agent_firewall
agent_docker_cli
agent_mesos_agent
showcase_finish
