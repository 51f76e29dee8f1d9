variable "cluster_name" {
  description = "Cluster name: the value of the showcase:cluster tag and the prefix of every Name tag. A lowercase DNS label of at most 32 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be a DNS label: 1-32 characters, lowercase letters, digits and '-', starting and ending with a letter or digit."
  }
}

variable "region" {
  description = "AWS region to build the cluster in."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region code such as eu-west-1."
  }
}

variable "domain" {
  description = "DNS domain the platform's services answer under (Consul DNS); stored in the VPC's showcase:domain tag."
  type        = string
  default     = "service.consul"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.domain)) && length(var.domain) <= 253
    error_message = "domain must be a lowercase DNS name without a trailing dot, such as service.consul."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (a /16 to /28)."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 28, false)
    error_message = "vpc_cidr must be an IPv4 CIDR block between /16 and /28, such as 10.0.0.0/16."
  }
}

variable "public_subnet_cidr" {
  description = "CIDR block of the public subnet (gateway and NAT gateway); must lie inside vpc_cidr."
  type        = string
  default     = "10.0.5.0/24"

  validation {
    condition     = can(cidrhost(var.public_subnet_cidr, 0)) && try(tonumber(split("/", var.public_subnet_cidr)[1]) <= 28, false)
    error_message = "public_subnet_cidr must be an IPv4 CIDR block of /28 or larger, such as 10.0.5.0/24."
  }
}

variable "private_subnet_cidr" {
  description = "CIDR block of the private subnet (master and agents); must lie inside vpc_cidr and not overlap the public subnet."
  type        = string
  default     = "10.0.12.0/24"

  validation {
    condition     = can(cidrhost(var.private_subnet_cidr, 0)) && try(tonumber(split("/", var.private_subnet_cidr)[1]) <= 28, false)
    error_message = "private_subnet_cidr must be an IPv4 CIDR block of /28 or larger, such as 10.0.12.0/24."
  }
}

variable "availability_zone" {
  description = "Availability zone for both subnets. Default (null): the first available zone of the region that offers instance_type."
  type        = string
  default     = null

  validation {
    condition     = var.availability_zone == null || can(regex("^[a-z0-9-]+[a-z]$", var.availability_zone))
    error_message = "availability_zone must be a zone name such as eu-west-1a, or null."
  }
}

variable "agent_count" {
  description = "Number of Mesos agents in the private subnet."
  type        = number
  default     = 3

  validation {
    condition     = var.agent_count >= 0 && floor(var.agent_count) == var.agent_count
    error_message = "agent_count must be a whole number >= 0."
  }
}

variable "instance_type" {
  description = "EC2 instance type of every host."
  type        = string
  default     = "t3.medium"
}

variable "root_volume_size" {
  description = "Size in GiB of each host's encrypted gp3 root volume (the container images need more than the AMI's 8 GiB)."
  type        = number
  default     = 30

  validation {
    condition     = var.root_volume_size >= 8 && floor(var.root_volume_size) == var.root_volume_size
    error_message = "root_volume_size must be a whole number of GiB, at least 8."
  }
}

variable "image_id" {
  description = "AMI id to launch. Default (null): the current Ubuntu 24.04 amd64 AMI from Canonical's public SSM parameter."
  type        = string
  default     = null

  validation {
    condition     = var.image_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.image_id))
    error_message = "image_id must be an AMI id such as ami-0123456789abcdef0, or null."
  }
}

variable "public_key" {
  description = "Optional OpenSSH public key to import as the hosts' key pair. No SSH port is opened for it: hosts are managed through SSM."
  type        = string
  default     = null

  validation {
    condition     = var.public_key == null || can(regex("^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) ", var.public_key))
    error_message = "public_key must be an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-*), or null."
  }
}

variable "instance_profile_name" {
  description = "Existing instance profile (with AmazonSSMManagedInstanceCore) to attach instead of creating one. Default (null): create the IAM role and instance profile here."
  type        = string
  default     = null

  validation {
    condition     = var.instance_profile_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.instance_profile_name))
    error_message = "instance_profile_name must be an IAM instance profile name (1-128 characters of letters, digits and +=,.@_-), or null."
  }
}
