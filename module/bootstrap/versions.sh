#!/bin/sh
# ShowcaseOps host bootstrap -- part 1 of 3: pinned versions.
#
# The module concatenates versions.sh + common.sh + <role>.sh (in that order) into ONE script and sends it
# through SSM Run Command (AWS-RunShellScript). This file is the ONLY place where versions, images and package
# sources are pinned: change a pin here and a re-run of the bootstrap replaces exactly the affected containers
# (each container carries a hash of its full `docker run` specification, see common.sh).
#
# Only NAME=value assignments below (no logic). Values are constants: never substitute parameters here.
# shellcheck disable=SC2034  # the pins are used by common.sh and the role scripts, not by this file
set -eu

# --- Operating system --------------------------------------------------------------------------------------
# Ubuntu 24.04 LTS (AMI from Canonical's public SSM parameter, SSM agent preinstalled). The bootstrap refuses
# to run on anything else (exit 3): the Docker apt suite and the cgroup notes below are specific to it.
UBUNTU_VERSION_ID=24.04
UBUNTU_CODENAME=noble

# --- Docker (docker-ce from Docker's own apt repository, deb822 .sources file + keyring, as Docker documents) --
DOCKER_APT_URL=https://download.docker.com/linux/ubuntu
# Fingerprint of Docker's release signing key; the downloaded key is refused unless it matches.
DOCKER_APT_KEY_FINGERPRINT=9DC858229FC7DD38854AE2D88D81803C0EBFCD88
# Policy: an exact upstream version; the package revision (5:<version>-N~ubuntu.24.04~noble) is taken from the
# repository, and docker-ce, docker-ce-cli and containerd.io are then put on `apt-mark hold`.
# Stay on 28.x: Docker 29 raised the minimum client API version to 1.44, which old clients (the Mesos 1.7 image,
# archived tools such as Weave) no longer meet.
DOCKER_CE_VERSION=28.5.2
CONTAINERD_VERSION=1.7.28
# Static docker CLI (same version) copied out of Docker's official image for the Mesos agent container: the
# image's own CLI is too old for Docker 28, and the host's docker-ce-cli is linked against Ubuntu 24.04's glibc.
DOCKER_CLI_IMAGE=docker:28.5.2-cli

# --- Consul (server on the master, clients elsewhere) ------------------------------------------------------
# hashicorp/consul (the Docker "library" consul image stopped at 1.16). BUSL-1.1 licence since 1.17.
CONSUL_IMAGE=hashicorp/consul:1.22.7

# --- ZooKeeper / Mesos / Marathon (master and agents) -------------------------------------------------------
# Every tag below is exact (no floating minor lines). Why these three work together: docs/bootstrap.md, "Pins".
# ZooKeeper 3.9.3 exactly (>= 3.9.3): 3.9.0-3.9.2 broke the ZooKeeper 3.4 C client that Mesos bundles
# (ZOOKEEPER-4492, fixed by ZOOKEEPER-4814 in 3.9.3).
ZOOKEEPER_IMAGE=zookeeper:3.9.3
# Apache Mesos is retired (last release 1.11.0). mesosphere/mesos-{master,slave} 1.7.1 are the newest images of
# the form this bootstrap runs (entrypoint = the daemon); no maintained 1.9-1.11 image with a fixed release tag
# is known (mesos/mesos-centos only has floating <branch> and dated snapshot tags, and no entrypoint).
MESOS_MASTER_IMAGE=mesosphere/mesos-master:1.7.1
MESOS_AGENT_IMAGE=mesosphere/mesos-slave:1.7.1
# Marathon is archived. The 1.7 line matches Mesos 1.7: v1.7.236 (last 1.7 tag, 2020-02) is built against the
# Mesos 1.7.1 libraries and needs Mesos >= 1.5.0. NOT v1.11.24: Marathon 1.9+ supports Mesos N-2 (1.9-1.11)
# only and sends UPDATE_FRAMEWORK (Mesos 1.9+), which a 1.7 master drops.
MARATHON_IMAGE=mesosphere/marathon:v1.7.236

# --- etcd + Vulcand (master) -------------------------------------------------------------------------------
# etcd 3.6 (v3 API only; the v2 API was removed in 3.6). Client and peer URLs are bound to 127.0.0.1.
ETCD_IMAGE=quay.io/coreos/etcd:v3.6.14
# Vulcand's last release v0.9.2 (2023) has no published image and speaks the etcd v3 API by default. The
# bootstrap builds it once on the master from the tagged Go module (checksums verified by the Go toolchain)
# into a local, scratch-based image; the build is skipped when the image already exists. The "localhost/"
# prefix keeps the name from ever resolving to a Docker Hub repository.
# Not chosen: mailgun/vulcand:v0.8.0-beta.3 (the 2016 image, 2015 code) needs etcd's v2 API (etcd 3.5 with
# --enable-v2) and, pushed in 2015, most likely has a schema-1 manifest that Docker 28.2+ no longer pulls.
VULCAND_VERSION=v0.9.2
VULCAND_IMAGE=localhost/showcaseops-vulcand:v0.9.2
# Exact patch release of the Go toolchain image that builds Vulcand (only used when the image is absent).
GOLANG_BUILD_IMAGE=golang:1.25.3-bookworm

# --- Kong + PostgreSQL (gateway) ---------------------------------------------------------------------------
# Last open-source Kong image line is 3.9.x (3.10+ are enterprise images). DB-less mode refuses Admin API
# writes, so Kong runs with PostgreSQL (Cassandra support was removed in 3.4).
KONG_IMAGE=kong:3.9.2
# Exact minor release of PostgreSQL 16 (the on-disk format is per major version; Kong 3.9 supports 16).
POSTGRES_IMAGE=postgres:16.10
