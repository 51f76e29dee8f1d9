data "aws_ssm_parameter" "ubuntu_ami" {
  count = var.image_id == null ? 1 : 0
  name  = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
}

locals {
  # A public AMI id is not a secret; the provider marks every parameter value sensitive.
  image_id = coalesce(var.image_id, one([for p in data.aws_ssm_parameter.ubuntu_ami : nonsensitive(p.value)]))
  key_name = one(aws_key_pair.this[*].key_name)
}

# Imported only when a public key is given; no SSH rule is opened for it.
resource "aws_key_pair" "this" {
  count      = var.public_key == null ? 0 : 1
  key_name   = var.cluster_name
  public_key = var.public_key

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "key-pair"
    Name               = "${var.cluster_name}-key-pair"
  }
}

# No user_data: the platform is installed afterwards over SSM with
# Invoke-ShowcaseBootstrap. ignore_changes on ami keeps a newer Ubuntu
# release of the SSM parameter from replacing running hosts.

resource "aws_instance" "gateway" {
  ami                    = local.image_id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.gateway.id]
  iam_instance_profile   = local.instance_profile_name
  key_name               = local.key_name

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    encrypted             = true
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    delete_on_termination = true
  }

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "gateway"
    Name               = "${var.cluster_name}-gateway"
  }

  lifecycle {
    ignore_changes = [ami]
  }

  # Outbound route and SSM permissions in place before the SSM agent starts.
  depends_on = [aws_route_table_association.public, aws_route.public_internet, aws_iam_role_policy_attachment.ssm_core]
}

resource "aws_eip" "gateway" {
  domain = "vpc"

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "gateway-eip"
    Name               = "${var.cluster_name}-gateway-eip"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_eip_association" "gateway" {
  allocation_id = aws_eip.gateway.id
  instance_id   = aws_instance.gateway.id
}

resource "aws_instance" "master" {
  ami                    = local.image_id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.master.id]
  iam_instance_profile   = local.instance_profile_name
  key_name               = local.key_name

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    encrypted             = true
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    delete_on_termination = true
  }

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "master"
    Name               = "${var.cluster_name}-master"
  }

  lifecycle {
    ignore_changes = [ami]
  }

  depends_on = [aws_route_table_association.private, aws_route.private_nat, aws_iam_role_policy_attachment.ssm_core]
}

resource "aws_instance" "agent" {
  count = var.agent_count

  ami                    = local.image_id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.agent.id]
  iam_instance_profile   = local.instance_profile_name
  key_name               = local.key_name

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    encrypted             = true
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    delete_on_termination = true
  }

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "agent"
    "showcase:index"   = "${count.index + 1}"
    Name               = "${var.cluster_name}-agent-${count.index + 1}"
  }

  lifecycle {
    ignore_changes = [ami]
  }

  depends_on = [aws_route_table_association.private, aws_route.private_nat, aws_iam_role_policy_attachment.ssm_core]
}
