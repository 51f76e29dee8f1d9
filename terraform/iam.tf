# The role + instance profile SSM needs (AmazonSSMManagedInstanceCore).
# Skipped when var.instance_profile_name names an existing profile.
# IAM names are account-wide, so they include the region.

resource "aws_iam_role" "ssm" {
  count       = var.instance_profile_name == null ? 1 : 0
  name        = "${var.cluster_name}-${var.region}-ssm"
  description = "Showcase cluster ${var.cluster_name} hosts: managed through SSM"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "iam-role"
    Name               = "${var.cluster_name}-iam-role"
  }
}

resource "aws_iam_role_policy_attachment" "ssm_core" {
  count      = var.instance_profile_name == null ? 1 : 0
  role       = aws_iam_role.ssm[0].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "ssm" {
  count = var.instance_profile_name == null ? 1 : 0
  name  = "${var.cluster_name}-${var.region}-ssm"
  role  = aws_iam_role.ssm[0].name

  tags = {
    "showcase:cluster" = var.cluster_name
    "showcase:role"    = "instance-profile"
    Name               = "${var.cluster_name}-instance-profile"
  }
}

locals {
  instance_profile_name = coalesce(var.instance_profile_name, one(aws_iam_instance_profile.ssm[*].name))
}
