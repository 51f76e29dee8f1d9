terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Every taggable resource below also sets this tag explicitly (with its role
  # and Name), so the tag contract stays visible per resource; the duplicate is
  # harmless on provider 5.x.
  default_tags {
    tags = {
      "showcase:cluster" = var.cluster_name
    }
  }
}
