<#
.SYNOPSIS
    Sync-ShowcaseService at scale over the SSM channel: 1,000 tasks over 100 apps with 10% drift — read and write SSM
    commands counted from the sandbox log, the planner timed alone (goal < 50 ms), a second sync with nothing to do (goal:
    zero writes, one read command), and -Watch latency from a Marathon scale to the registration in Consul and Vulcand,
    against one SSM round trip measured in the same run (goal: at most one round trip + 250 ms).
    Asserted (FAIL and exit 1): a sync read of the 1,000 registrations costs at most 2 SendCommand in the sandbox's
    request log, output pages included, in each of three cases: a fresh session (a new runspace: no cached bodies, no
    hints; compact reads, docs/ssm.md), the read right after a sync wrote (the changed bodies come back), and a read of
    what the session has read before (conditional reads).
#>
param([int] $Apps = 100, [int] $TasksPerApp = 10, [double] $DriftRate = 0.10, [int] $LatencySamples = 5, [int] $PlannerRuns = 30)
$ErrorActionPreference = 'Stop'
Import-Module $env:SHOWCASE_MODULE_PATH
$sandbox = Start-ShowcaseSandbox -Force
$null = New-ShowcaseCluster -Name bench -InstanceProfileName showcase-ssm -SkipBootstrap
$h = $sandbox.Host
$h.Marathon.DeploymentDuration = [TimeSpan]::FromMilliseconds(20)
$h.Marathon.TaskStartTime = [TimeSpan]::FromMilliseconds(10)
$marathonUrl = $h.Endpoint('marathon').ToString()
function Invoke-Api([string] $Service, [string] $Method, [string] $Path, $Body) {
    $uri = $h.Endpoint($Service).ToString().TrimEnd('/') + $Path
    if ($null -ne $Body) { Invoke-RestMethod -Method $Method -Uri $uri -Body ($Body | ConvertTo-Json -Depth 5 -Compress) -ContentType 'application/json' }
    else { Invoke-RestMethod -Method $Method -Uri $uri }
}
# The script an SSM command runs (the runner sends it gzip + base64 encoded).
function Get-ScriptText($Record) {
    $b64 = -join ($Record.Commands | ForEach-Object { if ($_ -match "printf '%s' '([A-Za-z0-9+/=]+)'") { $Matches[1] } })
    if (-not $b64) { return ($Record.Commands -join "`n") }
    $gzip = [IO.Compression.GZipStream]::new([IO.MemoryStream]::new([Convert]::FromBase64String($b64)), [IO.Compression.CompressionMode]::Decompress)
    [IO.StreamReader]::new($gzip).ReadToEnd()
}
# SSM commands sent since $Since: the batches themselves, and the follow-ups that fetch output past 24,000 characters.
function Get-SsmCommands([datetime] $Since) {
    $all = @($h.Ssm.Commands | Where-Object { $_.RequestedAt -ge $Since })
    $pages = @($all | Where-Object { (Get-ScriptText $_) -match '==showcaseops-page:v1' })
    [pscustomobject]@{ Batches = $all.Count - $pages.Count; Pages = $pages.Count }
}
function Measure-Sync([hashtable] $Extra = @{}) {
    $h.Log.Clear()
    $since = [DateTime]::UtcNow
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $out = Sync-ShowcaseService -Channel Ssm -PassThru @Extra
    $watch.Stop()
    $cycle = $out | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] } | Select-Object -Last 1
    $entries = $h.Log.Entries
    [pscustomobject]@{
        Wall = $watch.Elapsed; Cycle = $cycle
        Changes = @($out | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncChange] })
        Commands = @($entries | Where-Object Operation -EQ 'SendCommand').Count
        Ssm = Get-SsmCommands $since
        Gets = $entries | Where-Object { $_.Service -in 'consul', 'vulcand', 'kong', 'marathon' -and $_.Operation -like 'GET *' } | Group-Object Service | ForEach-Object { '{0} {1}' -f $_.Name, $_.Count }
        Writes = @($entries | Where-Object { $_.Service -in 'consul', 'vulcand', 'kong' -and ([ShowcaseOps.InternalHooks]::SandboxType('ShowcaseOps.Sandbox.Hosting.RequestLog'))::IsWrite($_.Operation) }).Count
    }
}

# ---- 1,000 tasks, registered ------------------------------------------------------------------------------
$h.Marathon.SeedApps($Apps, $TasksPerApp)
$initial = Measure-Sync
'initial sync                  : {0} changes, {1:N0} ms; SSM: {2} read + {3} write batch(es) (the size budget splits the first registration) + {4} output page fetches' -f $initial.Changes.Count, $initial.Wall.TotalMilliseconds, $initial.Cycle.ReadBatches, ($initial.Ssm.Batches - $initial.Cycle.ReadBatches), $initial.Ssm.Pages

# ---- 10% drift --------------------------------------------------------------------------------------------
$random = [Random]::new(42)
$taskIds = @($h.Marathon.TaskIds([NullString]::Value)) | Sort-Object { $random.Next() }
$driftCount = [int]($taskIds.Count * $DriftRate)
$kill = [int]($driftCount * 0.4); $consul = [int]($driftCount * 0.3); $vulcand = [int]($driftCount * 0.2); $kong = $driftCount - $kill - $consul - $vulcand
$i = 0
foreach ($id in $taskIds[$i..($i + $kill - 1)]) { $null = $h.Marathon.KillTask($id) }; $i += $kill
foreach ($id in $taskIds[$i..($i + $consul - 1)]) {
    $app = ($id -split '\.instance-')[0]; $instance = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Marathon.MarathonNames'))::InstanceId($id)
    $null = Invoke-Api consul PUT "/v1/agent/service/deregister/$app-$instance"
}; $i += $consul
foreach ($id in $taskIds[$i..($i + $vulcand - 1)]) {
    $app = ($id -split '\.instance-')[0]; $instance = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Marathon.MarathonNames'))::InstanceId($id)
    $null = Invoke-Api vulcand DELETE "/v2/backends/$app/servers/$instance"
}
foreach ($n in 0..($kong - 1)) {
    $app = 'app-{0:000}' -f $n
    $null = Invoke-Api kong PUT "/services/$app/routes/$app" @{ name = $app; hosts = @("$app.example.org"); preserve_host = $false; tags = @('showcaseops') }
}
Start-Sleep -Milliseconds 300   # replacements of the killed tasks start
'drift                         : {0} of {1} registrations: {2} tasks killed (replaced), {3} Consul entries and {4} Vulcand servers deleted, {5} Kong routes changed' -f $driftCount, $taskIds.Count, $kill, $consul, $vulcand, $kong

# ---- the planner alone ------------------------------------------------------------------------------------
$endpoints = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Platform.PlatformEndpoints'))::FromServiceMap($h.Endpoints)
$channel = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Platform.HttpPlatformChannel'))::new($endpoints, $null, $null)
$engine = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Sync.SyncEngine'))::new($channel, 'service.consul', $null)
$snapshot = $engine.ReadAsync(([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Execution.NullReporter'))::Instance, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
$desired = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Sync.SyncDesiredState'))::FromApps($snapshot.Apps)
$null = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Sync.SyncPlanner'))::Plan($desired, $snapshot.Platform, 'service.consul', $null)   # JIT
$times = foreach ($run in 1..$PlannerRuns) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $plan = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Sync.SyncPlanner'))::Plan($desired, $snapshot.Platform, 'service.consul', $null)
    $watch.Stop(); $watch.Elapsed.TotalMilliseconds
}
$withDesired = foreach ($run in 1..$PlannerRuns) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = ([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Sync.SyncPlanner'))::Plan(([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.Sync.SyncDesiredState'))::FromApps($snapshot.Apps), $snapshot.Platform, 'service.consul', $null)
    $watch.Stop(); $watch.Elapsed.TotalMilliseconds
}
$sorted = $times | Sort-Object; $median = $sorted[[int]($sorted.Count / 2)]; $max = $sorted[-1]
$channel.Dispose()
'planner alone                 : median {0:N2} ms, max {1:N2} ms over {2} runs ({3} instances, {4} changes) (goal < 50 ms) {5}' -f $median, $max, $PlannerRuns, $plan.DesiredInstances, $plan.Changes.Count, $(if ($max -lt 50) { 'OK' } else { 'OVER GOAL' })
'desired state + planner       : median {0:N2} ms' -f (($withDesired | Sort-Object)[[int]($PlannerRuns / 2)])

# ---- the drifted sync over SSM ----------------------------------------------------------------------------
$drifted = Measure-Sync
$writeCommands = $drifted.Ssm.Batches - $drifted.Cycle.ReadBatches
'drifted sync                  : {0} changes ({1} failed) in {2:N0} ms; SSM batches: {3} read + {4} write (goal 1 + 1) {5}; plus {6} follow-up command(s) fetching the read output past 24,000 characters' -f $drifted.Changes.Count, @($drifted.Changes | Where-Object Status -NE Done).Count, $drifted.Wall.TotalMilliseconds, $drifted.Cycle.ReadBatches, $writeCommands, $(if ($drifted.Cycle.ReadBatches -eq 1 -and $writeCommands -eq 1) { 'OK' } else { 'OVER GOAL' }), $drifted.Ssm.Pages
'  reads carried by that one read command: {0} (Vulcand: 4 lists + one server list per backend, all in the same command)' -f ($drifted.Gets -join ', ')

# ---- nothing changed ----------------------------------------------------------------------------------------
$rtts = foreach ($n in 1..3) { Measure-Sync }
$quiet = $rtts[-1]
$rtt = ($rtts.Wall.TotalMilliseconds | Sort-Object)[1]
'first sync after the writes   : {0} SendCommand (the bodies the writes changed come back in full: {1} batch + {2} output pages)' -f $rtts[0].Commands, $rtts[0].Ssm.Batches, $rtts[0].Ssm.Pages
'second sync, nothing changed  : {0} changes, {1} platform writes, {2} SSM batch(es) (goal 0 writes, 1 batch) {3}, + {4} output page fetches; read round trip (median of 3) = {5:N0} ms' -f $quiet.Changes.Count, $quiet.Writes, $quiet.Ssm.Batches, $(if ($quiet.Writes -eq 0 -and $quiet.Ssm.Batches -eq 1) { 'OK' } else { 'OVER GOAL' }), $quiet.Ssm.Pages, $rtt
$readCommands = $quiet.Commands
$changedCommands = $rtts[0].Commands

# ---- a fresh session: a new runspace (a runbook job) has no cached bodies and no hints ------------------------
# A new runspace has its own session (no sandbox): it reaches the sandbox's EC2 and SSM through the standard variables.
$env:AWS_ENDPOINT_URL_EC2 = $h.Endpoint('ec2').ToString(); $env:AWS_ENDPOINT_URL_SSM = $h.Endpoint('ssm').ToString()
$env:AWS_REGION = 'eu-west-1'; $env:AWS_ACCESS_KEY_ID = 'AKIDSANDBOX'; $env:AWS_SECRET_ACCESS_KEY = 'sandbox'; $env:SHOWCASE_CLUSTER = 'bench'
$h.Log.Clear()
$freshPs = [powershell]::Create()
$null = $freshPs.AddScript("Import-Module '$env:SHOWCASE_MODULE_PATH'; Sync-ShowcaseService -Channel Ssm -PassThru")
$watch = [Diagnostics.Stopwatch]::StartNew()
$freshOut = $freshPs.Invoke()
$watch.Stop()
if ($freshPs.Streams.Error.Count -gt 0) { throw "the fresh session's sync failed: $($freshPs.Streams.Error | Out-String)" }
$freshPs.Dispose()
$freshCommands = @($h.Log.Entries | Where-Object Operation -EQ 'SendCommand').Count
'fresh session, nothing changed: {0} SendCommand in {1:N0} ms ({2} changes; the compact read: one command and its one output page) (goal <= 2) {3}' -f $freshCommands, $watch.Elapsed.TotalMilliseconds, @($freshOut | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncChange] }).Count, $(if ($freshCommands -le 2) { 'OK' } else { 'OVER GOAL' })

# ---- -Watch latency -----------------------------------------------------------------------------------------
$output = [System.Management.Automation.PSDataCollection[psobject]]::new()
# Index, never pipe: enumerating a PSDataCollection blocks until the producer completes it.
function Get-Cycles { @(for ($k = 0; $k -lt $output.Count; $k++) { $output[$k] }) | Where-Object { $_ -is [ShowcaseOps.Model.ShowcaseSyncCycle] } }
$ps = [powershell]::Create()
$null = $ps.AddScript("Import-Module '$env:SHOWCASE_MODULE_PATH'; Sync-ShowcaseService -Channel Ssm -Watch -ResyncSeconds 300 -TimeoutSeconds 120 -PassThru -PlatformEndpoint @{ Marathon = '$marathonUrl' }")
$async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
try {
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Get-Cycles) -or $h.Marathon.EventStreamCount -eq 0) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "the watch did not start: $($ps.Streams.Error | Out-String)" }
        Start-Sleep -Milliseconds 20
    }
    $consulUrl = $h.Endpoint('consul').ToString() + 'v1/agent/services'
    $samples = foreach ($n in 1..$LatencySamples) {
        $app = 'app-{0:000}' -f (50 + $n)
        $target = $TasksPerApp + 1
        $cyclesBefore = @(Get-Cycles).Count
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-Api marathon PATCH "/v2/apps/$app`?force=true" @{ instances = $target }
        do {
            $services = Invoke-RestMethod $consulUrl
            $count = @($services.PSObject.Properties.Value | Where-Object { $_.Service -eq $app -and $_.Meta.'showcase-role' -eq 'instance' }).Count
            if ($count -lt $target) { Start-Sleep -Milliseconds 5 }
        } until ($count -ge $target -or $watch.Elapsed.TotalSeconds -gt 30)
        $watch.Stop()
        Start-Sleep -Milliseconds 400   # let the cycle finish and emit its summary
        $cycle = @(Get-Cycles | Select-Object -Skip $cyclesBefore) | Where-Object { $_.Applied -gt 0 } | Select-Object -First 1
        if ($count -lt $target) {
            Write-Warning (("sample $n did not register ($count of $target in Consul; Marathon has {0} tasks): {1} {2}" -f $h.Marathon.TaskIds("/$app").Count, ($ps.Streams.Error | Out-String), (Get-Cycles | Format-Table | Out-String)) + ($ps.Streams.Verbose | Select-Object -Last 15 | ForEach-Object Message | Out-String) + "streams: $($h.Marathon.EventStreamCount), published: $($h.Marathon.PublishedEvents.Count)")
        }
        [pscustomobject]@{ Latency = $watch.Elapsed.TotalMilliseconds; Cycle = $cycle }
    }
}
finally {
    $ps.Stop(); $ps.Dispose()
}
$lat = $samples.Latency | Sort-Object
$latMedian = $lat[[int]($lat.Count / 2)]
$goal = $rtt + 250
'watch: scale → registered     : median {0:N0} ms, max {1:N0} ms over {2} samples; goal one round trip + 250 ms = {3:N0} ms {4}' -f $latMedian, $lat[-1], $lat.Count, $goal, $(if ($latMedian -le $goal) { 'OK' } else { 'OVER GOAL' })
'  the cycles that registered  : trigger {0}; read batches {1}; write batches {2}; cycle {3}' -f (($samples.Cycle.Trigger | Sort-Object -Unique) -join '/'), (($samples.Cycle.ReadBatches | Sort-Object -Unique) -join '/'), (($samples.Cycle.WriteBatches | Sort-Object -Unique) -join '/'), (($samples.Cycle | ForEach-Object { '{0:N0} ms' -f $_.Duration.TotalMilliseconds }) -join ', ')
Stop-ShowcaseSandbox -Confirm:$false
$reads = 'fresh session {0}, right after the writes {1}, unchanged {2}' -f $freshCommands, $changedCommands, $readCommands
if (($freshCommands, $changedCommands, $readCommands | Measure-Object -Maximum).Maximum -gt 2) { 'FAIL: a sync read of {0} registrations cost more than 2 SendCommand ({1})' -f ($Apps * $TasksPerApp), $reads; exit 1 }
'OK: a sync read of {0} registrations cost at most 2 SendCommand ({1})' -f ($Apps * $TasksPerApp), $reads
