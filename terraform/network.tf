# Availability zone: var.availability_zone, or the first available zone
# (no opt-in zones) that offers var.instance_type.
data "aws_availability_zones" "available" {
  count = var.availability_zone == null ? 1 : 0
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_ec2_instance_type_offerings" "in_zone" {
  count         = var.availability_zone == null ? 1 : 0
  location_type = "availability-zone"

  filter {
    name   = "instance-type"
    values = [var.instance_type]
  }
}

locals {
  zones_offering_type = flatten([
    for zones in data.aws_availability_zones.available : [
      for zone in zones.names : zone
      if contains(flatten(data.aws_ec2_instance_type_offerings.in_zone[*].locations), zone)
    ]
  ])
  zone_choices      = concat(var.availability_zone == null ? [] : [var.availability_zone], local.zones_offering_type)
  availability_zone = length(local.zone_choices) > 0 ? local.zone_choices[0] : null

  vpc_prefix     = tonumber(split("/", var.vpc_cidr)[1])
  public_prefix  = tonumber(split("/", var.public_subnet_cidr)[1])
  private_prefix = tonumber(split("/", var.private_subnet_cidr)[1])
  # Network address of a subnet taken at another (shorter) prefix length.
  public_in_vpc         = local.public_prefix >= local.vpc_prefix && cidrhost("${cidrhost(var.public_subnet_cidr, 0)}/${local.vpc_prefix}", 0) == cidrhost(var.vpc_cidr, 0)
  private_in_vpc        = local.private_prefix >= local.vpc_prefix && cidrhost("${cidrhost(var.private_subnet_cidr, 0)}/${local.vpc_prefix}", 0) == cidrhost(var.vpc_cidr, 0)
  shorter_subnet_prefix = min(local.public_prefix, local.private_prefix)
  subnets_overlap       = cidrhost("${cidrhost(var.public_subnet_cidr, 0)}/${local.shorter_subnet_prefix}", 0) == cidrhost("${cidrhost(var.private_subnet_cidr, 0)}/${local.shorter_subnet_prefix}", 0)
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "vpc"
    "showcase:domain"  = var.domain
    Name               = "${var.cluster_name}-vpc"
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "internet-gateway"
    Name               = "${var.cluster_name}-internet-gateway"
  }
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = var.public_subnet_cidr
  availability_zone = local.availability_zone
  # The gateway gets its Elastic IP; nothing else here needs a public address.
  map_public_ip_on_launch = false

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "public-subnet"
    Name               = "${var.cluster_name}-public-subnet"
  }

  lifecycle {
    precondition {
      condition     = local.availability_zone != null
      error_message = "No available zone in ${var.region} offers ${var.instance_type}: set availability_zone or choose another instance_type."
    }
    precondition {
      condition     = local.public_in_vpc
      error_message = "public_subnet_cidr (${var.public_subnet_cidr}) must lie inside vpc_cidr (${var.vpc_cidr})."
    }
  }
}

resource "aws_subnet" "private" {
  vpc_id                  = aws_vpc.this.id
  cidr_block              = var.private_subnet_cidr
  availability_zone       = local.availability_zone
  map_public_ip_on_launch = false

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "private-subnet"
    Name               = "${var.cluster_name}-private-subnet"
  }

  lifecycle {
    precondition {
      condition     = local.private_in_vpc
      error_message = "private_subnet_cidr (${var.private_subnet_cidr}) must lie inside vpc_cidr (${var.vpc_cidr})."
    }
    precondition {
      condition     = !local.subnets_overlap
      error_message = "private_subnet_cidr (${var.private_subnet_cidr}) must not overlap public_subnet_cidr (${var.public_subnet_cidr})."
    }
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "public-route-table"
    Name               = "${var.cluster_name}-public-route-table"
  }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# NAT so the private hosts reach the SSM endpoints and package repositories.
resource "aws_eip" "nat" {
  domain = "vpc"

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "nat-eip"
    Name               = "${var.cluster_name}-nat-eip"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "nat-gateway"
    Name               = "${var.cluster_name}-nat-gateway"
  }

  depends_on = [aws_route.public_internet]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "private-route-table"
    Name               = "${var.cluster_name}-private-route-table"
  }
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
