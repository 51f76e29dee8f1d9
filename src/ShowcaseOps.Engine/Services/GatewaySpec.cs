using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>How the gateway UIs are protected. At least one of <see cref="AllowCidrs"/>, <see cref="KeyAuth"/>, <see cref="Anonymous"/>.</summary>
public sealed class GatewaySpec
{
    public GatewaySpec(string cluster, string domain, string masterAddress, IReadOnlyList<string> allowCidrs, bool keyAuth, bool anonymous)
    {
        Cluster = cluster ?? throw new ArgumentNullException(nameof(cluster));
        Domain = domain ?? throw new ArgumentNullException(nameof(domain));
        if (!RegistrationInput.IsHostAddress(masterAddress))
        {
            throw new ArgumentException($"'{masterAddress}' is not an address.", nameof(masterAddress));
        }

        MasterAddress = masterAddress;
        AllowCidrs = (allowCidrs ?? Array.Empty<string>()).ToArray();
        foreach (var cidr in AllowCidrs.Where(c => !RegistrationInput.IsCidr(c)))
        {
            throw new ArgumentException($"'{cidr}' is not an IPv4 CIDR block or address.", nameof(allowCidrs));
        }

        if (AllowCidrs.Count == 0 && !keyAuth && !anonymous)
        {
            throw new ArgumentException("The gateway needs a protection (allowed CIDRs or key-auth), or an explicit choice to open it to everyone.", nameof(anonymous));
        }

        KeyAuth = keyAuth;
        Anonymous = anonymous;
    }

    public string Cluster { get; }

    public string Domain { get; }

    public string MasterAddress { get; }

    public IReadOnlyList<string> AllowCidrs { get; }

    public bool KeyAuth { get; }

    public bool Anonymous { get; }

    public bool Protected => AllowCidrs.Count > 0 || KeyAuth;
}
