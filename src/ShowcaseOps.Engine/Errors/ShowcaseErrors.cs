// The error catalog: every ErrorId ShowcaseOps raises, its ErrorCategory, what it means and what to do.
// docs/errors.md is generated from it (tests/ShowcaseOps.Tests/Core/ErrorCatalogTests.cs checks, and rewrites it
// with SHOWCASE_WRITE_DOCS=1); ShowcaseException takes only these entries.
namespace ShowcaseOps.Core;

/// <summary>Every error id ShowcaseOps raises (see docs/errors.md).</summary>
public static partial class ShowcaseErrors
{
    public static readonly ShowcaseError AwsCredentialTypeInvalid = new("AwsCredentialTypeInvalid", ShowcaseErrorCategory.InvalidArgument, "-Credential takes an AWSCredentials object or a PSCredential (access key as user name), not ….", "Pass an AWSCredentials object (Get-AWSCredential) or a PSCredential whose user name is the access key id.");

    public static readonly ShowcaseError AwsCredentialsNotFound = new("AwsCredentialsNotFound", ShowcaseErrorCategory.AuthenticationError, "No AWS credentials were found (parameters, environment, profiles, instance role); pass -ProfileName or keys, or start the sandbox.", "Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, set AWS_PROFILE, or run Start-ShowcaseSandbox to use the local sandbox.");

    public static readonly ShowcaseError AwsEndpointUnreachable = new("AwsEndpointUnreachable", ShowcaseErrorCategory.ConnectionError, "The AWS endpoint cannot be reached (connection refused, unknown host, no route): fails at the first attempt (the SDK retries nothing and the module's retry budget does not retry an endpoint that cannot be reached), within seconds; check -EndpointUrl and the network, or Start-ShowcaseSandbox.", "Check -EndpointUrl (or $env:AWS_ENDPOINT_URL*) and the network; for the sandbox, run Start-ShowcaseSandbox in this session.");

    public static readonly ShowcaseError AwsPagingFailed = new("AwsPagingFailed", ShowcaseErrorCategory.ProtocolError, "A paginated AWS answer sent the same NextToken twice, so it cannot be read completely.", "Run the command again; if it persists, the endpoint (an emulator?) does not page as AWS does.");

    public static readonly ShowcaseError AwsProfileInvalid = new("AwsProfileInvalid", ShowcaseErrorCategory.InvalidData, "The profile exists but cannot give credentials (a role_arn without source_profile or credential_source, a missing source_profile, a loop).", "Fix the profile in ~/.aws/config (role_arn needs source_profile or credential_source); check it with 'aws configure list --profile <name>'.");

    public static readonly ShowcaseError AwsProfileNotFound = new("AwsProfileNotFound", ShowcaseErrorCategory.ObjectNotFound, "No AWS profile with that name was found in ~/.aws/credentials, ~/.aws/config or -ProfileLocation.", "Check the name with 'aws configure list-profiles', or pass -ProfileLocation.");

    public static readonly ShowcaseError AwsRegionNotSet = new("AwsRegionNotSet", ShowcaseErrorCategory.InvalidArgument, "No AWS region is set.", "Pass -Region (for example eu-west-1), run Set-DefaultAWSRegion, set $env:AWS_REGION, or set a region in your AWS profile.");

    public static readonly ShowcaseError Ec2RequestFailed = new("Ec2RequestFailed", ShowcaseErrorCategory.InvalidOperation, "An EC2 call failed for good after retries; the message carries the AWS error code.", "Read the AWS error code in the message (AuthFailure, UnauthorizedOperation, a limit), fix the cause, then run the command again: it continues from what exists.", categoryRule: "from the AWS error code (throttling ResourceBusy, authorization PermissionDenied, NotFound ObjectNotFound, others InvalidOperation)");

    public static readonly ShowcaseError MarathonAccessDenied = new("MarathonAccessDenied", ShowcaseErrorCategory.PermissionDenied, "Marathon answered 401/403.", "Check the credentials Marathon expects (or that the gateway's Kong lets the channel through), then run the command again.");

    public static readonly ShowcaseError MarathonAppExists = new("MarathonAppExists", ShowcaseErrorCategory.ResourceExists, "An app with that id exists already (use Set-MarathonApp to change it).", "Scale or change the existing app, or remove it first.");

    public static readonly ShowcaseError MarathonAppInvalid = new("MarathonAppInvalid", ShowcaseErrorCategory.InvalidData, "The app definition is not valid JSON (the message names the file, line and position) or Marathon refused it (400/422, with its details).", "Fix the JSON at that place (see examples/specs/app.json) and try again.", categoryRule: "InvalidData for a spec file or Marathon refusing it; InvalidArgument for a -Definition that has no JSON form");

    public static readonly ShowcaseError MarathonAppLocked = new("MarathonAppLocked", ShowcaseErrorCategory.ResourceBusy, "A deployment of the app is running; retry after Wait-MarathonDeployment, or pass -Force.", "Wait for the deployment to finish (Wait-MarathonDeployment), or use -Force to override it.");

    public static readonly ShowcaseError MarathonAppNotFound = new("MarathonAppNotFound", ShowcaseErrorCategory.ObjectNotFound, "Marathon has no app with that id.", "List the apps with Get-MarathonApp; app ids are lower-case and start with '/'.");

    public static readonly ShowcaseError MarathonAppSpecNotFound = new("MarathonAppSpecNotFound", ShowcaseErrorCategory.ObjectNotFound, "The -Path spec file does not exist or cannot be read; nothing was sent.", "Check the path; examples/specs/app.json is an example spec.", categoryRule: "ObjectNotFound for a missing or unreadable file; InvalidArgument for a path that is not on the file system");

    public static readonly ShowcaseError MarathonDeploymentTimeout = new("MarathonDeploymentTimeout", ShowcaseErrorCategory.OperationTimeout, "The deployments did not finish within -TimeoutSeconds.", "Check the app's tasks (Get-MarathonTask) and Marathon's deployments; wait longer with -TimeoutSeconds.");

    public static readonly ShowcaseError MarathonPortNotFound = new("MarathonPortNotFound", ShowcaseErrorCategory.InvalidArgument, "The port chosen by -PortIndex, -PortName or the app's label showcaseops.port is not one of the app's ports.", "List the app's ports (portDefinitions, or container.portMappings with their names) and pass an index from 0 or a name that exists.");

    public static readonly ShowcaseError MarathonServiceNameInvalid = new("MarathonServiceNameInvalid", ShowcaseErrorCategory.InvalidData, "The app's service name (its label showcaseops.name, else the last segment of its id) is not a DNS label; its tasks are not registered.", "Set the label showcaseops.name to a DNS label (lower-case letters, digits and '-', 1 to 63 characters) on the app.");

    public static readonly ShowcaseError MarathonRequestFailed = new("MarathonRequestFailed", ShowcaseErrorCategory.InvalidResult, "Marathon answered 5xx, or something the client cannot read.", "Check that the cluster is running and Marathon is up (port 8080 on the masters).");

    public static readonly ShowcaseError MarathonTaskNotFound = new("MarathonTaskNotFound", ShowcaseErrorCategory.ObjectNotFound, "Marathon has no task with that id.", "List the app's tasks with Get-MarathonTask -AppId <id>; the task may have ended.");

    public static readonly ShowcaseError MarathonUnreachable = new("MarathonUnreachable", ShowcaseErrorCategory.ConnectionError, "The channel could not reach Marathon (status 0).", "Check that the cluster is running and Marathon is up (port 8080 on the masters).");

    public static readonly ShowcaseError PlatformChannelFailed = new("PlatformChannelFailed", ShowcaseErrorCategory.InvalidResult, "The platform batch on … ended ….", "Look at the message for the script's exit code and stderr; run the command again (it sends only what is missing). Invoke-ShowcaseCommand -Role gateway can inspect the host.");

    public static readonly ShowcaseError PlatformEndpointInvalid = new("PlatformEndpointInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not a platform API; use Consul, Vulcand, Kong or Marathon.", "Use the keys Consul, Vulcand, Kong and Marathon, with http(s) URLs as values.");

    public static readonly ShowcaseError PlatformEndpointMissing = new("PlatformEndpointMissing", ShowcaseErrorCategory.InvalidArgument, "The HTTP channel has no URL for one or more of Consul, Vulcand and Kong.", "Pass -PlatformEndpoint with the missing URLs, or set them once with Use-ShowcaseCluster.");

    public static readonly ShowcaseError PlatformReadFailed = new("PlatformReadFailed", ShowcaseErrorCategory.ConnectionError, "Reading Consul, Vulcand or Kong failed (the message names the first failed read and its status).", "Check that Consul, Vulcand and Kong are running and reachable over the chosen channel, then try again.", categoryRule: "ConnectionError when an API cannot be reached; InvalidResult when its answer cannot be used");

    public static readonly ShowcaseError PlatformRequestFailed = new("PlatformRequestFailed", ShowcaseErrorCategory.InvalidResult, "A platform API refused a request.", "Read the API's answer in the message; fix the input, or run the command again if the API was busy.", categoryRule: "by status: 409 ResourceExists, 404 ObjectNotFound, 400/405/422 InvalidArgument, else InvalidResult");

    public static readonly ShowcaseError PlatformResponseMalformed = new("PlatformResponseMalformed", ShowcaseErrorCategory.InvalidData, "The platform batch output could not be decoded: …", "Run the command again; if it persists, the gateway's curl or shell differs from what the platform script expects (Invoke-ShowcaseCommand -Role gateway to inspect).");

    public static readonly ShowcaseError PlatformResponseMissing = new("PlatformResponseMissing", ShowcaseErrorCategory.ProtocolError, "No response for … of … platform request(s), first '…' (#…): ….…", "Check that curl and base64 exist on the target host and that the command output is captured in full, then run the command again.");

    public static readonly ShowcaseError PlatformUnreachable = new("PlatformUnreachable", ShowcaseErrorCategory.ConnectionError, "… could not be reached for '…' (channel …): …", "Check that the API runs and that this machine can reach it (use -Channel Ssm from outside the VPC).");

    public static readonly ShowcaseError ShowcaseAgentNotFound = new("ShowcaseAgentNotFound", ShowcaseErrorCategory.ObjectNotFound, "The cluster has no host with that instance id.", "List the agents with (Get-ShowcaseCluster <name>).Agents.");

    public static readonly ShowcaseError ShowcaseAgentRoleInvalid = new("ShowcaseAgentRoleInvalid", ShowcaseErrorCategory.InvalidArgument, "The instance is the cluster's gateway or master, not an agent: only agents can be removed this way.", "Only agents can be removed this way; list them with (Get-ShowcaseCluster <name>).Agents.");

    public static readonly ShowcaseError ShowcaseBootstrapClusterIncomplete = new("ShowcaseBootstrapClusterIncomplete", ShowcaseErrorCategory.ResourceUnavailable, "Cluster '…' has no master with a private address (or no VPC): every host's bootstrap needs the master's address.", "Complete the cluster with New-ShowcaseCluster (it adopts what exists), then run Invoke-ShowcaseBootstrap.");

    public static readonly ShowcaseError ShowcaseBootstrapFailed = new("ShowcaseBootstrapFailed", ShowcaseErrorCategory.InvalidResult, "A host's bootstrap failed; the message names the host, the failed step, the exit code and the tail of stderr. Re-run Invoke-ShowcaseBootstrap: only failed hosts run again.", "Read the failed step and stderr in the message, fix the cause, then run Invoke-ShowcaseBootstrap again: only failed hosts run.");

    public static readonly ShowcaseError ShowcaseBootstrapNotSent = new("ShowcaseBootstrapNotSent", ShowcaseErrorCategory.ResourceUnavailable, "The bootstrap could not be sent to …: …", "Check that the instance is running and Online in SSM, then run Invoke-ShowcaseBootstrap again.");

    public static readonly ShowcaseError ShowcaseBootstrapScriptMissing = new("ShowcaseBootstrapScriptMissing", ShowcaseErrorCategory.ObjectNotFound, "The bootstrap script '…' is missing from the module folder.", "Reinstall the module: its bootstrap folder must hold versions.sh, common.sh, gateway.sh, master.sh and agent.sh.");

    public static readonly ShowcaseError ShowcaseBootstrapTimedOut = new("ShowcaseBootstrapTimedOut", ShowcaseErrorCategory.OperationTimeout, "The bootstrap of … timed out.…", "Check that the instance is running and Online in SSM, then run Invoke-ShowcaseBootstrap again.");

    public static readonly ShowcaseError ShowcaseClusterAgentCountInvalid = new("ShowcaseClusterAgentCountInvalid", ShowcaseErrorCategory.InvalidArgument, "AgentCount must be between 0 and 100, not ….", "Pass -AgentCount between 0 and 100.");

    public static readonly ShowcaseError ShowcaseClusterCidrInvalid = new("ShowcaseClusterCidrInvalid", ShowcaseErrorCategory.InvalidArgument, "The VPC CIDR … must be between /16 and /28.", "Pass a VPC CIDR between /16 and /28, such as 10.0.0.0/16.");

    public static readonly ShowcaseError ShowcaseClusterConflict = new("ShowcaseClusterConflict", ShowcaseErrorCategory.InvalidOperation, "The internet gateway … of cluster '…' is attached to …, not to the cluster's VPC ….", "Remove the cluster with Remove-ShowcaseCluster and create it again.");

    public static readonly ShowcaseError ShowcaseClusterDeleteUnconfirmed = new("ShowcaseClusterDeleteUnconfirmed", ShowcaseErrorCategory.InvalidResult, "A delete keeps answering NotFound while Describe still shows the resource (Remove- does not take NotFound on trust).", "Wait a minute (AWS is eventually consistent) and run Remove-ShowcaseCluster again.");

    public static readonly ShowcaseError ShowcaseClusterDomainInvalid = new("ShowcaseClusterDomainInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not a valid domain: use a lowercase DNS name without a trailing dot, such as service.consul.", "Use a lowercase DNS name without a trailing dot, such as service.consul.");

    public static readonly ShowcaseError ShowcaseClusterImageIdInvalid = new("ShowcaseClusterImageIdInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not an AMI id such as ami-0123456789abcdef0.", "Pass an AMI id such as ami-0123456789abcdef0, or leave -ImageId out to use the current Ubuntu image.");

    public static readonly ShowcaseError ShowcaseClusterImageNotFound = new("ShowcaseClusterImageNotFound", ShowcaseErrorCategory.InvalidOperation, "No SSM client to read the image parameter; pass -ImageId.", "Pass -ImageId with an AMI id of this region.", categoryRule: "ObjectNotFound when the image or its SSM parameter does not exist; InvalidResult when the parameter holds no AMI id; InvalidOperation when the image cannot be used");

    public static readonly ShowcaseError ShowcaseClusterInputConflict = new("ShowcaseClusterInputConflict", ShowcaseErrorCategory.InvalidArgument, "A ShowcaseCluster came from the pipeline while -Cluster names another cluster; a record goes to one cluster.", "Pipe the clusters in, or pass -Cluster, not both.");

    public static readonly ShowcaseError ShowcaseClusterInputParameterMissing = new("ShowcaseClusterInputParameterMissing", ShowcaseErrorCategory.InvalidArgument, "A ShowcaseCluster from the pipeline only chooses the cluster; the command's required parameter (such as -Name) must be given on the command line.", "Give the parameter on the command line: Get-ShowcaseCluster | Unregister-ShowcaseService -Name web.");

    public static readonly ShowcaseError ShowcaseClusterLocked = new("ShowcaseClusterLocked", ShowcaseErrorCategory.ResourceBusy, "Another run is changing the cluster (it holds the cluster lease); this run waited and gave up.", "Wait for the other run to finish (or its lease to expire), then run the command again.");

    public static readonly ShowcaseError ShowcaseClusterNotComplete = new("ShowcaseClusterNotComplete", ShowcaseErrorCategory.InvalidResult, "The cluster is not complete after the run (the message lists what is missing); New-/Set-ShowcaseCluster check the state they output.", "Run the same command again: it continues from what exists. Get-ShowcaseCluster lists what is missing.");

    public static readonly ShowcaseError ShowcaseClusterNotScalable = new("ShowcaseClusterNotScalable", ShowcaseErrorCategory.InvalidOperation, "The cluster is partial (no VPC, private subnet, agent group or hosts), so Set-ShowcaseCluster cannot scale it.", "Complete it with New-ShowcaseCluster (same parameters as before), or remove it.");

    public static readonly ShowcaseError ShowcaseClusterIncomplete = new("ShowcaseClusterIncomplete", ShowcaseErrorCategory.ResourceUnavailable, "Cluster '…' has no running gateway and master, so the SSM channel has nowhere to run.", "Complete it with New-ShowcaseCluster, then run this again.");

    public static readonly ShowcaseError ShowcaseClusterInstanceFailed = new("ShowcaseClusterInstanceFailed", ShowcaseErrorCategory.InvalidResult, "An instance went to a failed state while starting (the message carries EC2's state reason).", "Check the instance type and image in this region, then run the command again.");

    public static readonly ShowcaseError ShowcaseClusterInstanceTypeInvalid = new("ShowcaseClusterInstanceTypeInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not an instance type such as t3.medium.", "Pass an EC2 instance type such as t3.medium.");

    public static readonly ShowcaseError ShowcaseClusterKeyNameInvalid = new("ShowcaseClusterKeyNameInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not a valid key pair name (1-255 printable ASCII characters).", "Use a key pair name of letters, digits and . _ - (at most 255 characters).");

    public static readonly ShowcaseError ShowcaseClusterKeyPairExists = new("ShowcaseClusterKeyPairExists", ShowcaseErrorCategory.ResourceExists, "A key pair named '…' already exists and does not belong to cluster '…'.", "Pass -KeyName with another name, or -KeyName alone (without -PublicKeyPath) to use the existing key pair.");

    public static readonly ShowcaseError ShowcaseClusterNameInvalid = new("ShowcaseClusterNameInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not a valid cluster name: use 1-32 lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS label).", "Use 1 to 32 lowercase letters, digits and hyphens, starting with a letter.");

    public static readonly ShowcaseError ShowcaseClusterNatGatewayFailed = new("ShowcaseClusterNatGatewayFailed", ShowcaseErrorCategory.InvalidResult, "NAT gateway … is …: … …", "Run the command again: a new NAT gateway is created (the failed one goes away by itself).");

    public static readonly ShowcaseError ShowcaseClusterNotFound = new("ShowcaseClusterNotFound", ShowcaseErrorCategory.ObjectNotFound, "No cluster named '…' was found in this region.", "List clusters with Get-ShowcaseCluster, or check -Region.");

    public static readonly ShowcaseError ShowcaseClusterNotSpecified = new("ShowcaseClusterNotSpecified", ShowcaseErrorCategory.InvalidArgument, "No cluster was given and none exists in this region.", "Pass -Cluster <name>, pipe a ShowcaseCluster in, or choose one for the session with Use-ShowcaseCluster.");

    public static readonly ShowcaseError ShowcaseClusterPublicKeyInvalid = new("ShowcaseClusterPublicKeyInvalid", ShowcaseErrorCategory.InvalidArgument, "The public key is not an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-*).", "Pass an OpenSSH public key file (ssh-ed25519 or ssh-rsa …).");

    public static readonly ShowcaseError ShowcaseClusterPublicKeyNotFound = new("ShowcaseClusterPublicKeyNotFound", ShowcaseErrorCategory.ObjectNotFound, "The public key file '…' does not exist.", "Pass the path of an OpenSSH public key (for example ~/.ssh/id_ed25519.pub).");

    public static readonly ShowcaseError ShowcaseClusterPublicKeyUnreadable = new("ShowcaseClusterPublicKeyUnreadable", ShowcaseErrorCategory.InvalidArgument, "Cannot read the public key file '…' (it changed into a non-regular or oversized file after the parameter check, or is not readable).", "Pass the path of an OpenSSH public key file (for example ~/.ssh/id_ed25519.pub).");

    public static readonly ShowcaseError ShowcaseClusterRemoveIncomplete = new("ShowcaseClusterRemoveIncomplete", ShowcaseErrorCategory.InvalidResult, "The cluster was not removed completely: the final discovery still found resources (the message lists them).", "Run Remove-ShowcaseCluster again: it removes what is left; check the listed resources in the AWS console if it persists.");

    public static readonly ShowcaseError ShowcaseClusterSecretInvalid = new("ShowcaseClusterSecretInvalid", ShowcaseErrorCategory.InvalidData, "A cluster secret in Parameter Store (/showcaseops/<cluster>/consul-registrar-token or marathon-credentials) does not hold a usable value, so it is not sent.", "Delete the bad parameter and run Invoke-ShowcaseBootstrap -Force: it creates a new one and gives it to the hosts.");

    public static readonly ShowcaseError ShowcaseClusterSecretsNotRemoved = new("ShowcaseClusterSecretsNotRemoved", ShowcaseErrorCategory.ResourceBusy, "Remove-ShowcaseCluster deleted the cluster's parameters (/showcaseops/<cluster>/*) but some are still listed.", "Run Remove-ShowcaseCluster again, or delete them with Remove-SSMParameter.");

    public static readonly ShowcaseError ShowcaseClusterSubnetOutsideVpc = new("ShowcaseClusterSubnetOutsideVpc", ShowcaseErrorCategory.InvalidArgument, "The … subnet … does not lie inside the VPC ….", "Choose subnet CIDRs inside the VPC CIDR.");

    public static readonly ShowcaseError ShowcaseClusterSubnetsOverlap = new("ShowcaseClusterSubnetsOverlap", ShowcaseErrorCategory.InvalidArgument, "The private subnet … overlaps the public subnet ….", "Choose a public and a private subnet CIDR that do not overlap.");

    public static readonly ShowcaseError ShowcaseClusterTimeout = new("ShowcaseClusterTimeout", ShowcaseErrorCategory.OperationTimeout, "Gave up waiting for … after … minutes.", "Run the command again: it continues from the resources that exist.");

    public static readonly ShowcaseError ShowcaseClusterVolumeSizeInvalid = new("ShowcaseClusterVolumeSizeInvalid", ShowcaseErrorCategory.InvalidArgument, "The root volume size must be between 8 and 16384 GiB.", "Pass a root volume size between 8 and 16384 GiB.");

    public static readonly ShowcaseError ShowcaseClusterZoneInvalid = new("ShowcaseClusterZoneInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not an availability zone name such as eu-west-1a.", "Pass an availability zone of the region, such as eu-west-1a.");

    public static readonly ShowcaseError ShowcaseClusterZoneNotFound = new("ShowcaseClusterZoneNotFound", ShowcaseErrorCategory.ResourceUnavailable, "The region has no available availability zone.", "Pass -AvailabilityZone with a zone the account can use in this region.");

    public static readonly ShowcaseError ShowcaseGatewayAddressUnknown = new("ShowcaseGatewayAddressUnknown", ShowcaseErrorCategory.ResourceUnavailable, "The cluster has no gateway with a public IP address, so its endpoints cannot be shown.", "Pass -Cluster <name> (or pipe a ShowcaseCluster in); complete the cluster with New-ShowcaseCluster if its gateway is missing.");

    public static readonly ShowcaseError ShowcaseGatewayCertificateInstallFailed = new("ShowcaseGatewayCertificateInstallFailed", ShowcaseErrorCategory.InvalidResult, "Kong refused the gateway's TLS certificate, or (over SSM) the gateway could not read it from Parameter Store with its instance role.", "Run Register-ShowcaseGateway again; over SSM check the gateway's instance role can read /showcaseops/<cluster>/gateway-tls-*, or install it through a tunnel with -Channel Http.");

    public static readonly ShowcaseError ShowcaseGatewayCertificateInvalid = new("ShowcaseGatewayCertificateInvalid", ShowcaseErrorCategory.InvalidData, "-CertificatePath/-KeyPath (or the stored certificate) is not a regular file of at most 64 KiB holding a PEM certificate and its matching private key.", "Pass a PEM certificate (chain) and the PEM private key that belongs to it (PKCS#8, RSA or EC), both regular files; or omit both to use a generated certificate.");

    public static readonly ShowcaseError ShowcaseGatewayKeyInstallFailed = new("ShowcaseGatewayKeyInstallFailed", ShowcaseErrorCategory.InvalidResult, "Over SSM the gateway reads the key with its instance role (IMDSv2, ssm:GetParameter with decryption, curl 7.75+ for SigV4):", "Run Register-ShowcaseGateway -KeyAuth again; check the gateway's instance role can read the SSM parameter.");

    public static readonly ShowcaseError ShowcaseGatewayKeyInvalid = new("ShowcaseGatewayKeyInvalid", ShowcaseErrorCategory.InvalidData, "The parameter … does not hold a usable key (16 to 256 characters of A-Z a-z 0-9 - _).", "Replace the key with Register-ShowcaseGateway -KeyAuth -NewApiKey.");

    public static readonly ShowcaseError ShowcaseGatewayProtectionMissing = new("ShowcaseGatewayProtectionMissing", ShowcaseErrorCategory.InvalidArgument, "Register-ShowcaseGateway got no -AllowCidr, -KeyAuth or -AllowAnonymous (or -NewApiKey without -KeyAuth).", "Pass -AllowCidr, -KeyAuth, or -AllowAnonymous to say how the UIs are protected.");

    public static readonly ShowcaseError ShowcaseGatewayRegistrationFailed = new("ShowcaseGatewayRegistrationFailed", ShowcaseErrorCategory.InvalidResult, "Kong refused an entity of the gateway (or could not be reached).", "Run Register-ShowcaseGateway again: it sends only what is missing.", categoryRule: "InvalidResult / ConnectionError");

    public static readonly ShowcaseError ShowcaseHostInstanceIdInvalid = new("ShowcaseHostInstanceIdInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not an EC2 instance id (i- followed by 8 or 17 hex digits).", "Pass EC2 instance ids such as i-0123456789abcdef0.");

    public static readonly ShowcaseError ShowcaseHostNotFound = new("ShowcaseHostNotFound", ShowcaseErrorCategory.ObjectNotFound, "The instance … is not a live host of cluster '…'.", "List the cluster's hosts with Get-ShowcaseCluster <name>.");

    public static readonly ShowcaseError ShowcaseHostRoleInvalid = new("ShowcaseHostRoleInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not a host role: use gateway, master or agent.", "Use -Role gateway, master or agent.");

    public static readonly ShowcaseError ShowcaseInstanceEndpointMissing = new("ShowcaseInstanceEndpointMissing", ShowcaseErrorCategory.InvalidArgument, "An instance to register has no address or no port (a task that has not been placed yet, or an app without ports).", "Give -HostAddress and -HostPort, or wait until the task is running (Get-MarathonTask shows Serving).");

    public static readonly ShowcaseError ShowcaseInstanceProfileNameInvalid = new("ShowcaseInstanceProfileNameInvalid", ShowcaseErrorCategory.InvalidArgument, "'…' is not a valid instance profile name (1-128 letters, digits and +=,.@_-).", "Use an IAM instance profile name of letters, digits and + = , . @ _ - (at most 128 characters).");

    public static readonly ShowcaseError ShowcaseInstanceProfileNotFound = new("ShowcaseInstanceProfileNotFound", ShowcaseErrorCategory.ObjectNotFound, "EC2 does not know the instance profile '…' (still refused after … s).", "Check the name ('aws iam list-instance-profiles'), or create one with terraform/iam.tf; then run New-ShowcaseCluster again: it continues from what exists.");

    public static readonly ShowcaseError ShowcaseInstanceProfileRequired = new("ShowcaseInstanceProfileRequired", ShowcaseErrorCategory.InvalidArgument, "An instance profile is required: SSM manages the hosts, and it needs a role with AmazonSSMManagedInstanceCore.", "Pass -InstanceProfileName (a profile whose role has AmazonSSMManagedInstanceCore; terraform/iam.tf creates one).");

    public static readonly ShowcaseError ShowcaseInstanceUnregistrationFailed = new("ShowcaseInstanceUnregistrationFailed", ShowcaseErrorCategory.InvalidResult, "Removing one instance from Consul or Vulcand failed (the message names the request and the answer).", "Run the command again: it removes only what is left. Get-ShowcaseInstance shows where each instance is still registered.", categoryRule: "ConnectionError when there was no answer, InvalidResult otherwise");

    public static readonly ShowcaseError ShowcaseInstanceRegistrationFailed = new("ShowcaseInstanceRegistrationFailed", ShowcaseErrorCategory.InvalidResult, "A write for one instance was refused or could not be made (target service/instance).", "Run the command again: it sends only what is missing. Get-ShowcaseInstance shows where each instance is registered.", categoryRule: "InvalidResult / ConnectionError");

    public static readonly ShowcaseError ShowcaseRequestFailed = new("ShowcaseRequestFailed", ShowcaseErrorCategory.ConnectionError, "Invoke-ShowcaseRequest got no HTTP answer from the gateway (connection refused or reset, a timeout, or a TLS certificate other than the gateway's).", "Check the gateway is running and reachable on 443 (Test-ShowcaseCluster), and that Register-ShowcaseGateway installed its certificate; then try again.");

    public static readonly ShowcaseError ShowcaseSandboxNotRunning = new("ShowcaseSandboxNotRunning", ShowcaseErrorCategory.ObjectNotFound, "The ShowcaseOps sandbox is not running in this session.", "Run Start-ShowcaseSandbox.");

    public static readonly ShowcaseError ShowcaseServiceNotFound = new("ShowcaseServiceNotFound", ShowcaseErrorCategory.ObjectNotFound, "No service named '…' is registered in Consul, Vulcand or Kong.", "List services with Get-ShowcaseService.");

    public static readonly ShowcaseError ShowcaseServiceNotRegistered = new("ShowcaseServiceNotRegistered", ShowcaseErrorCategory.ObjectNotFound, "An instance was given for a service that is not registered.", "Register the service first: Register-ShowcaseService -Name <name> -ServicePort <port>.");

    public static readonly ShowcaseError ShowcaseServiceNotOwned = new("ShowcaseServiceNotOwned", ShowcaseErrorCategory.PermissionDenied, "A Kong service or route with that name exists and was not made by ShowcaseOps (no showcaseops tag); nothing was changed.", "Pick another name, or pass -Force to take it over: ShowcaseOps then patches only its own fields (url, tags) and keeps the others (timeouts, your tags).");

    public static readonly ShowcaseError ShowcaseServiceRegistrationFailed = new("ShowcaseServiceRegistrationFailed", ShowcaseErrorCategory.InvalidResult, "A service registration request was refused or could not be made.", "Run the command again: it sends only what is missing. Get-ShowcaseService shows where the service is registered.", categoryRule: "InvalidResult / ResourceExists / ConnectionError");

    public static readonly ShowcaseError ShowcaseServiceUnregistrationFailed = new("ShowcaseServiceUnregistrationFailed", ShowcaseErrorCategory.InvalidResult, "A service removal request was refused or could not be made.", "Run the command again: it removes only what is left.", categoryRule: "InvalidResult / ConnectionError");

    public static readonly ShowcaseError ShowcaseSyncChangeFailed = new("ShowcaseSyncChangeFailed", ShowcaseErrorCategory.InvalidResult, "One change of a sync was refused by Consul, Vulcand or Kong (non-terminating; the other changes are applied and the next sync retries it).", "Check that the target is up (Get-ShowcaseService shows what is there); the next Sync-ShowcaseService retries the change.");

    public static readonly ShowcaseError ShowcaseSyncMarathonEndpointMissing = new("ShowcaseSyncMarathonEndpointMissing", ShowcaseErrorCategory.InvalidArgument, "-Watch needs Marathon's URL reachable from this machine for its event stream (it cannot travel over SSM), and none is known.", "Pass -PlatformEndpoint @{ Marathon = 'http://…:8080' } (the event stream needs a direct URL), or run without -Watch.");

    public static readonly ShowcaseError ShowcaseUnexpectedError = new("ShowcaseUnexpectedError", ShowcaseErrorCategory.NotSpecified, "A failure ShowcaseOps did not anticipate; the exception is attached. Please report it.", "This is a bug in ShowcaseOps: run the command again with -Verbose and report the error and its ScriptStackTrace.");

    public static readonly ShowcaseError SsmCommandCancelled = new("SsmCommandCancelled", ShowcaseErrorCategory.OperationStopped, "The command was cancelled on ….", "Check that the instance exists, is running and is Online in SSM (Get-ShowcaseHost / DescribeInstanceInformation).");

    public static readonly ShowcaseError SsmCommandFailed = new("SsmCommandFailed", ShowcaseErrorCategory.InvalidResult, "The command failed on … with exit code ….…", "Read the exit code and stderr in the message; fix the script or the host, then run the command again.");

    public static readonly ShowcaseError SsmCommandNotSent = new("SsmCommandNotSent", ShowcaseErrorCategory.ResourceUnavailable, "The command was not sent to … (…, …): the instance is ….", "Check that the instance exists, is running and is Online in SSM (Get-ShowcaseHost / DescribeInstanceInformation).");

    public static readonly ShowcaseError SsmCommandTimedOut = new("SsmCommandTimedOut", ShowcaseErrorCategory.OperationTimeout, "The command timed out on … (…).…", "Check that the host is Online in SSM and raise the execution timeout if the work is legitimately long.");

    public static readonly ShowcaseError SsmDuplicateTarget = new("SsmDuplicateTarget", ShowcaseErrorCategory.InvalidArgument, "The same instance was given twice for one command.", "Pass each instance only once.");

    public static readonly ShowcaseError SsmEnvironmentNameInvalid = new("SsmEnvironmentNameInvalid", ShowcaseErrorCategory.InvalidArgument, "A script variable name must match ^[A-Z_][A-Z0-9_]*$ and not be a reserved shell name (PATH, IFS, …).", "Use environment variable names of letters, digits and underscores, not starting with a digit.");

    public static readonly ShowcaseError SsmEnvironmentValueInvalid = new("SsmEnvironmentValueInvalid", ShowcaseErrorCategory.InvalidArgument, "The value of … contains a NUL character, which a shell variable cannot hold.", "Remove NUL characters from the value.");

    public static readonly ShowcaseError SsmInstanceNotOnline = new("SsmInstanceNotOnline", ShowcaseErrorCategory.OperationTimeout, "Instances did not come Online in SSM in time: usually the instance profile lacks AmazonSSMManagedInstanceCore, the hosts have no outbound HTTPS (NAT or VPC endpoints ssm, ssmmessages, ec2messages), or the agent is not running.", "Wait for the SSM agent (often 30-120 s after launch), check the instance profile and outbound HTTPS, then run the command again.");

    public static readonly ShowcaseError SsmNoTargets = new("SsmNoTargets", ShowcaseErrorCategory.InvalidArgument, "A command was given no instance to run on.", "Pass at least one instance (or a -Role that has hosts).");

    public static readonly ShowcaseError SsmRequestFailed = new("SsmRequestFailed", ShowcaseErrorCategory.InvalidResult, "An SSM call failed for good after retries; the message carries the AWS error code.", "Read the AWS error code in the message; check the credentials' SSM permissions, then run the command again.", categoryRule: "InvalidResult; ProtocolError when SSM answers outside its own contract");

    public static readonly ShowcaseError SsmScriptTooLarge = new("SsmScriptTooLarge", ShowcaseErrorCategory.LimitsExceeded, "The script is … bytes (… characters once compressed and encoded); one SSM command may carry at most ….", "Split the work into several scripts, or ship large files to the hosts another way (S3) and download them from the script.");

    public static readonly ShowcaseError SsmTimeoutInvalid = new("SsmTimeoutInvalid", ShowcaseErrorCategory.InvalidArgument, "The execution timeout must be between 1 second and 48 hours.", "Pass a timeout between 30 seconds and 48 hours.");
}
