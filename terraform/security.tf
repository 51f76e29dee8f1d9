# The security groups admit exactly the platform's network flows: the same table as the module's engine
# (src/ShowcaseOps.Engine/Cluster/ClusterFlows.cs, ClusterFlows.Required), one ingress rule per flow, sources as
# group references (never the VPC CIDR). Only Kong's proxy (80/443) on the gateway is open to the internet; no rule
# admits port 22 (hosts are managed through SSM, never SSH). pester/Terraform.Tests.ps1 compares local.ingress_rules
# with the engine's table, so the two cannot drift.
#
# Rules are separate resources (the groups reference each other, which inline rules cannot express without a cycle).

resource "aws_security_group" "gateway" {
  name        = "${var.cluster_name}-gateway-sg"
  description = "Showcase ${var.cluster_name} gateway: no SSH; Kong proxy from anywhere, cluster ports from the cluster groups only"
  vpc_id      = aws_vpc.this.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "gateway-sg"
    Name               = "${var.cluster_name}-gateway-sg"
  }
}

resource "aws_security_group" "master" {
  name        = "${var.cluster_name}-master-sg"
  description = "Showcase ${var.cluster_name} master: no SSH; cluster ports from the cluster groups only"
  vpc_id      = aws_vpc.this.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "master-sg"
    Name               = "${var.cluster_name}-master-sg"
  }
}

resource "aws_security_group" "agent" {
  name        = "${var.cluster_name}-agent-sg"
  description = "Showcase ${var.cluster_name} agent: no SSH; cluster ports from the cluster groups only"
  vpc_id      = aws_vpc.this.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "agent-sg"
    Name               = "${var.cluster_name}-agent-sg"
  }
}

locals {
  security_group_ids = {
    gateway = aws_security_group.gateway.id
    master  = aws_security_group.master.id
    agent   = aws_security_group.agent.id
  }

  # One entry per ingress rule: to (the group), from (internet or the source group), protocol and ports, as
  # ClusterFlows.IngressFor builds them (flows with the same source and ports share a rule).
  ingress_rules = {
    "gateway-from-internet-tcp-80"        = { to = "gateway", from = "internet", protocol = "tcp", from_port = 80, to_port = 80, description = "Kong proxy (HTTP)" }
    "gateway-from-internet-tcp-443"       = { to = "gateway", from = "internet", protocol = "tcp", from_port = 443, to_port = 443, description = "Kong proxy (HTTPS)" }
    "gateway-from-master-tcp-8301"        = { to = "gateway", from = "master", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "gateway-from-master-udp-8301"        = { to = "gateway", from = "master", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "gateway-from-agent-tcp-8301"         = { to = "gateway", from = "agent", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "gateway-from-agent-udp-8301"         = { to = "gateway", from = "agent", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "master-from-gateway-tcp-10000-20000" = { to = "master", from = "gateway", protocol = "tcp", from_port = 10000, to_port = 20000, description = "Kong to Vulcand service listeners (Marathon service ports)" }
    "master-from-gateway-tcp-8182"        = { to = "master", from = "gateway", protocol = "tcp", from_port = 8182, to_port = 8182, description = "Vulcand API (registration batches on the gateway)" }
    "master-from-gateway-tcp-8080"        = { to = "master", from = "gateway", protocol = "tcp", from_port = 8080, to_port = 8080, description = "Marathon API and UI (batches on the gateway, Kong)" }
    "master-from-gateway-tcp-5050"        = { to = "master", from = "gateway", protocol = "tcp", from_port = 5050, to_port = 5050, description = "Mesos master UI through Kong" }
    "master-from-agent-tcp-2181"          = { to = "master", from = "agent", protocol = "tcp", from_port = 2181, to_port = 2181, description = "ZooKeeper (Mesos master detection)" }
    "master-from-agent-tcp-5050"          = { to = "master", from = "agent", protocol = "tcp", from_port = 5050, to_port = 5050, description = "Mesos agent to master" }
    "master-from-gateway-tcp-8300"        = { to = "master", from = "gateway", protocol = "tcp", from_port = 8300, to_port = 8300, description = "Consul server RPC" }
    "master-from-agent-tcp-8300"          = { to = "master", from = "agent", protocol = "tcp", from_port = 8300, to_port = 8300, description = "Consul server RPC" }
    "master-from-gateway-tcp-8301"        = { to = "master", from = "gateway", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "master-from-gateway-udp-8301"        = { to = "master", from = "gateway", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "master-from-agent-tcp-8301"          = { to = "master", from = "agent", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "master-from-agent-udp-8301"          = { to = "master", from = "agent", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "agent-from-master-tcp-50000-60000"   = { to = "agent", from = "master", protocol = "tcp", from_port = 50000, to_port = 60000, description = "Vulcand to Mesos task host ports" }
    "agent-from-agent-tcp-50000-60000"    = { to = "agent", from = "agent", protocol = "tcp", from_port = 50000, to_port = 60000, description = "Tasks to tasks found through Consul DNS" }
    "agent-from-master-tcp-5051"          = { to = "agent", from = "master", protocol = "tcp", from_port = 5051, to_port = 5051, description = "Mesos master to agent" }
    "agent-from-gateway-tcp-8301"         = { to = "agent", from = "gateway", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "agent-from-gateway-udp-8301"         = { to = "agent", from = "gateway", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "agent-from-master-tcp-8301"          = { to = "agent", from = "master", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "agent-from-master-udp-8301"          = { to = "agent", from = "master", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "agent-from-agent-tcp-8301"           = { to = "agent", from = "agent", protocol = "tcp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
    "agent-from-agent-udp-8301"           = { to = "agent", from = "agent", protocol = "udp", from_port = 8301, to_port = 8301, description = "Consul Serf LAN" }
  }
}

resource "aws_vpc_security_group_ingress_rule" "flow" {
  for_each = local.ingress_rules

  security_group_id            = local.security_group_ids[each.value.to]
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  cidr_ipv4                    = each.value.from == "internet" ? "0.0.0.0/0" : null
  referenced_security_group_id = each.value.from == "internet" ? null : local.security_group_ids[each.value.from]
  description                  = each.value.description

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "${each.value.to}-sg"
    Name               = "${var.cluster_name}-${each.key}"
  }
}

# All outbound, as EC2 gives a new group (the engine keeps that default).
resource "aws_vpc_security_group_egress_rule" "all" {
  for_each = local.security_group_ids

  security_group_id = each.value
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "All outbound"

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "${each.key}-sg"
    Name               = "${var.cluster_name}-${each.key}-sg-egress"
  }
}
