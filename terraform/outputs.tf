output "cluster_name" {
  description = "Cluster name (the showcase:cluster tag)."
  value       = var.cluster_name
}

output "region" {
  description = "Region the cluster was built in."
  value       = var.region
}

output "availability_zone" {
  description = "Availability zone of both subnets."
  value       = local.availability_zone
}

output "vpc_id" {
  description = "Id of the cluster's VPC."
  value       = aws_vpc.this.id
}

output "public_subnet_id" {
  description = "Id of the public subnet (gateway, NAT gateway)."
  value       = aws_subnet.public.id
}

output "private_subnet_id" {
  description = "Id of the private subnet (master, agents)."
  value       = aws_subnet.private.id
}

output "gateway_public_ip" {
  description = "Elastic IP of the gateway (Kong's proxy on 80/443)."
  value       = aws_eip.gateway.public_ip
}

output "gateway_private_ip" {
  description = "Private IP of the gateway."
  value       = aws_instance.gateway.private_ip
}

output "master_private_ip" {
  description = "Private IP of the master."
  value       = aws_instance.master.private_ip
}

output "agent_private_ips" {
  description = "Private IPs of the agents, in index order (agent-1 first)."
  value       = aws_instance.agent[*].private_ip
}

output "image_id" {
  description = "AMI the hosts were launched from."
  value       = local.image_id
}

output "instance_profile_name" {
  description = "Instance profile attached to every host (created here unless instance_profile_name was given)."
  value       = local.instance_profile_name
}

output "next_steps" {
  description = "What to run next."
  value       = <<-EOT
    Cluster '${var.cluster_name}' is up in ${var.region}; its hosts register with SSM within a few minutes.
    Install the platform over SSM (no SSH is involved or opened):
      Get-ShowcaseCluster -Name ${var.cluster_name} -Region ${var.region}
      Invoke-ShowcaseBootstrap -Name ${var.cluster_name} -Region ${var.region}
    Kong's proxy will then answer on http://${aws_eip.gateway.public_ip}/
    Tear down with 'terraform destroy' (or Remove-ShowcaseCluster -Name ${var.cluster_name} -Region ${var.region}).
  EOT
}
