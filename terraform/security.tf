# Only Kong's proxy (HTTP/HTTPS) on the gateway is open to the internet.
# Everything else, SSH and the platform's admin APIs included, is reachable
# from inside the VPC only; hosts are managed through SSM, never SSH.
# Rules are inline so no extra (role-less) rule objects exist.

resource "aws_security_group" "gateway" {
  name        = "${var.cluster_name}-gateway-sg"
  description = "Showcase ${var.cluster_name} gateway: Kong proxy from anywhere, all from the VPC"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "Kong proxy (HTTP)"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "Kong proxy (HTTPS)"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "All traffic from inside the VPC"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "All outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "gateway-sg"
    Name               = "${var.cluster_name}-gateway-sg"
  }
}

resource "aws_security_group" "master" {
  name        = "${var.cluster_name}-master-sg"
  description = "Showcase ${var.cluster_name} master: all traffic from the VPC only"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "All traffic from inside the VPC"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "All outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "master-sg"
    Name               = "${var.cluster_name}-master-sg"
  }
}

resource "aws_security_group" "agent" {
  name        = "${var.cluster_name}-agent-sg"
  description = "Showcase ${var.cluster_name} agents: all traffic from the VPC only"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "All traffic from inside the VPC"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "All outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "agent-sg"
    Name               = "${var.cluster_name}-agent-sg"
  }
}
