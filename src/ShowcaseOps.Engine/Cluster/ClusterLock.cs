using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// One New-/Set-/Remove- at a time per cluster. The lock is a claim resource created first: a key pair named
/// <c>showcase-lock-&lt;cluster&gt;</c>. EC2 refuses a second key pair of the same name (<c>InvalidKeyPair.Duplicate</c>), so
/// creating it is an atomic test-and-set that needs no VPC yet. Its tags name the owner and when the lease expires; the
/// holder renews it while it works and deletes it when done (after checking that the key pair id is still its own, so never someone else's). A lease past its
/// expiry (a crashed run) is taken over. The key pair carries no <c>showcase:cluster</c> tag: discovery never sees it.
/// See docs/cluster.md.
/// </summary>
internal sealed class ClusterLock : IAsyncDisposable
{
    public const string LockTag = "showcase:lock";
    public const string OwnerTag = "showcase:lock-owner";
    public const string ExpiresTag = "showcase:lock-expires";

    private readonly IAmazonEC2 _ec2;
    private readonly Ec2Calls _calls;
    private readonly string _keyPairId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private Task? _released;

    private ClusterLock(IAmazonEC2 ec2, Ec2Calls calls, string cluster, string keyPairId, string owner, bool waited)
    {
        _ec2 = ec2;
        _calls = calls;
        Cluster = cluster;
        _keyPairId = keyPairId;
        Owner = owner;
        Waited = waited;
        _renewal = Task.Run(RenewAsync);
    }

    public string Cluster { get; }

    public string Owner { get; }

    /// <summary>True when another run held the lock first: what it changed is not in a plan made before.</summary>
    public bool Waited { get; }

    public static string KeyName(string cluster) => "showcase-lock-" + cluster;

    public static async Task<ClusterLock> AcquireAsync(IAmazonEC2 ec2, Ec2Calls calls, string cluster, CancellationToken cancellationToken)
    {
        var options = calls.Options;
        var owner = Guid.NewGuid().ToString("N").Substring(0, 12) + "@" + Environment.MachineName;
        var name = KeyName(cluster);
        var started = DateTime.UtcNow;
        var waited = false;
        var random = new Random();
        for (var attempt = 0; ; attempt++)
        {
            var tags = new List<Tag> { new(LockTag, cluster), new(OwnerTag, owner), new(ExpiresTag, Expiry(options)) };
            try
            {
                var created = await calls.Ec2Async("CreateKeyPair", name + " (cluster lock)", c => ec2.CreateKeyPairAsync(new CreateKeyPairRequest
                {
                    KeyName = name,
                    KeyType = KeyType.Ed25519,
                    TagSpecifications = new List<TagSpecification> { new() { ResourceType = ResourceType.KeyPair, Tags = tags } },
                }, c), cancellationToken).ConfigureAwait(false);
                return new ClusterLock(ec2, calls, cluster, created.KeyPair.KeyPairId, owner, waited);
            }
            catch (ShowcaseException ex) when ((ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode == "InvalidKeyPair.Duplicate")
            {
                var holder = await HolderAsync(ec2, calls, name, cancellationToken).ConfigureAwait(false);
                if (holder is null)
                {
                    continue;
                }

                if (holder.Value.Owner == owner)
                {
                    // Our own create, whose answer was lost and which the SDK sent again.
                    return new ClusterLock(ec2, calls, cluster, holder.Value.KeyPairId, owner, waited);
                }

                if (holder.Value.Expires < DateTime.UtcNow)
                {
                    calls.Reporter.Warning($"The lock of cluster '{cluster}' held by {holder.Value.Owner} expired at {holder.Value.Expires:u} (a run that stopped without releasing it): taking it over.");
                    await DeleteIfAsync(ec2, calls, name, holder.Value.KeyPairId, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (DateTime.UtcNow - started >= options.LockWait)
                {
                    throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterLocked, cluster, $"Cluster '{cluster}' is being changed by another run ({holder.Value.Owner}, lease until {holder.Value.Expires:u}); waited {options.LockWait.TotalSeconds:0} s.")
                    {
                        RecommendedAction = $"Wait for the other New-/Set-/Remove-ShowcaseCluster to finish, then run the command again. A run that crashed releases the lock when its lease expires (or delete the key pair {name}).",
                    };
                }

                if (!waited)
                {
                    calls.Reporter.Verbose($"Cluster '{cluster}' is locked by {holder.Value.Owner} until {holder.Value.Expires:u}: waiting.");
                }

                waited = true;
                var delay = TimeSpan.FromMilliseconds(Math.Min(options.PollMax.TotalMilliseconds, options.PollInitial.TotalMilliseconds * Math.Pow(1.5, Math.Min(attempt, 20))));
                await Task.Delay(delay + TimeSpan.FromMilliseconds(random.Next(0, 50)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the lock; once, however many callers ask (the builder releases it as soon as its last write is done).</summary>
    public ValueTask DisposeAsync()
    {
        lock (_stop)
        {
            _released ??= ReleaseAsync();
        }

        return new ValueTask(_released);
    }

    private async Task ReleaseAsync()
    {
        _stop.Cancel();
        try
        {
            await _renewal.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            // By id first: one call, and it can only delete our own key pair. An answer naming that id means done; an
            // endpoint that ignores KeyPairId (moto) names none, and the checked delete by name follows.
            string? deletedId;
            try
            {
                deletedId = (await _calls.Ec2Async("DeleteKeyPair", _keyPairId + " (cluster lock)", c => _ec2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyPairId = _keyPairId }, c), CancellationToken.None, Ec2Calls.TransientButNotFound).ConfigureAwait(false)).KeyPairId;
            }
            catch (ShowcaseException ex) when (ex.InnerException is not null && Aws.AwsErrorClassifier.IsNotFound(ex.InnerException))
            {
                deletedId = null;
            }

            if (deletedId != _keyPairId)
            {
                await DeleteIfAsync(_ec2, _calls, KeyName(Cluster), _keyPairId, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (ShowcaseException ex)
        {
            _calls.Reporter.Warning($"The lock of cluster '{Cluster}' could not be released ({ex.Message}); it expires by itself.");
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Deletes the lock key pair only while it is the one with <paramref name="keyPairId"/> (never a newer owner's). By
    /// name, after that check: not every EC2 implementation deletes by key pair id.
    /// </summary>
    private static async Task DeleteIfAsync(IAmazonEC2 ec2, Ec2Calls calls, string name, string keyPairId, CancellationToken cancellationToken)
    {
        var holder = await HolderAsync(ec2, calls, name, cancellationToken).ConfigureAwait(false);
        if (holder?.KeyPairId == keyPairId)
        {
            await calls.Ec2Async("DeleteKeyPair", name + " (cluster lock)", c => ec2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = name }, c), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Expiry(ClusterEngineOptions options) => (DateTime.UtcNow + options.LockLease).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<(string KeyPairId, string Owner, DateTime Expires)?> HolderAsync(IAmazonEC2 ec2, Ec2Calls calls, string name, CancellationToken cancellationToken)
    {
        try
        {
            var keys = await calls.Ec2Async("DescribeKeyPairs", name + " (cluster lock)", c => ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = new List<string> { name } }, c), cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            var key = (keys.KeyPairs ?? new List<KeyPairInfo>()).FirstOrDefault(k => k.KeyName == name);
            if (key is null)
            {
                return null;
            }

            var tags = ClusterDiscovery.TagMap(key.Tags);
            var expires = tags.TryGetValue(ExpiresTag, out var text) && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : DateTime.MinValue;
            return (key.KeyPairId, tags.TryGetValue(OwnerTag, out var owner) ? owner : "an unknown owner", expires);
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && Aws.AwsErrorClassifier.IsNotFound(ex.InnerException))
        {
            return null;
        }
    }

    private async Task RenewAsync()
    {
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, _calls.Options.LockLease.Ticks / 3));
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(every, _stop.Token).ConfigureAwait(false);
            try
            {
                await _calls.Ec2Async("CreateTags", _keyPairId + " (renew cluster lock)", c => _ec2.CreateTagsAsync(new CreateTagsRequest { Resources = new List<string> { _keyPairId }, Tags = new List<Tag> { new(ExpiresTag, Expiry(_calls.Options)) } }, c), _stop.Token).ConfigureAwait(false);
            }
            catch (ShowcaseException ex)
            {
                _calls.Reporter.Warning($"Renewing the lock of cluster '{Cluster}' failed: {ex.Message}");
            }
        }
    }
}
