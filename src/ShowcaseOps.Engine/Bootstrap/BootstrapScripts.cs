using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ShowcaseOps.Core.Bootstrap;

/// <summary>
/// The bootstrap scripts shipped in the module folder (<c>bootstrap/*.sh</c>): one script per role, made of
/// <c>versions.sh</c> + the host selector (<see cref="HostSelector"/>) + <c>common.sh</c> + <c>&lt;role&gt;.sh</c>,
/// and its version (a hash of exactly that text, recorded in the <c>showcase:bootstrap-version</c> tag).
/// </summary>
public sealed class BootstrapScripts
{
    /// <summary>The roles, in the order they are bootstrapped (the master first).</summary>
    public static IReadOnlyList<string> Roles { get; } = new[] { "master", "gateway", "agent" };

    /// <summary>
    /// Picks this host's row of <c>SHOWCASE_HOSTS</c> (one line per host of the command: <c>instance-id private-ip node-name</c>)
    /// by matching the IPv4 addresses configured on the host, and exports <c>SHOWCASE_INSTANCE_ID</c>,
    /// <c>SHOWCASE_PRIVATE_IP</c> and <c>SHOWCASE_NODE_NAME</c>. This is what lets one SendCommand (one script text)
    /// serve up to 50 hosts whose node names and addresses differ. Trusted text: it contains no value.
    /// </summary>
    public const string HostSelector = @"
# --- ShowcaseOps module: this host's values ------------------------------------------------------------------
# SHOWCASE_HOSTS holds one line per host of this command: '<instance-id> <private-ip> <node-name>' (values read
# from EC2 and checked by the module). The row used is the one whose private IP is configured on this host, so
# one command text serves every host of a role. Values are only read and matched, never evaluated.
if [ -n ""${SHOWCASE_HOSTS:-}"" ]; then
    _sel_addrs="" $(ip -o -4 addr show 2>/dev/null </dev/null | awk '{ sub(/\/.*/, """", $4); printf ""%s "", $4 }') ""
    SHOWCASE_INSTANCE_ID=
    while read -r _sel_id _sel_ip _sel_name; do
        [ -n ""$_sel_ip"" ] || continue
        case $_sel_addrs in
            *"" $_sel_ip ""*)
                SHOWCASE_INSTANCE_ID=$_sel_id
                SHOWCASE_PRIVATE_IP=$_sel_ip
                SHOWCASE_NODE_NAME=$_sel_name
                break
                ;;
        esac
    done <<SHOWCASEOPS_HOSTS
$SHOWCASE_HOSTS
SHOWCASEOPS_HOSTS
    if [ -z ""$SHOWCASE_INSTANCE_ID"" ]; then
        printf 'ERROR [select-host]: none of this host'\''s addresses (%s) is listed in SHOWCASE_HOSTS\n' ""$_sel_addrs"" >&2
        printf 'SHOWCASE-BOOTSTRAP-FAILED %s step=select-host exit=2 log=none\n' ""${SHOWCASE_ROLE:-unknown}""
        exit 2
    fi
    export SHOWCASE_INSTANCE_ID SHOWCASE_PRIVATE_IP SHOWCASE_NODE_NAME
fi
";

    private readonly Dictionary<string, string> _bodies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);

    private BootstrapScripts(string directory, Func<string, string> read)
    {
        Directory = directory;
        var versions = read("versions.sh");
        var common = read("common.sh");
        foreach (var role in Roles)
        {
            var body = Join(versions, HostSelector.TrimStart('\r', '\n'), common, read(role + ".sh"));
            _bodies[role] = body;
            _versions[role] = Hash(body);
        }
    }

    /// <summary>The folder the scripts were read from.</summary>
    public string Directory { get; }

    /// <summary>
    /// The module's own scripts: <c>bootstrap/</c> in the module folder, next to ShowcaseOps.dll (this assembly sits in
    /// its <c>dependencies/</c> subfolder; in a build or test output, next to it).
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            var here = Path.GetDirectoryName(typeof(BootstrapScripts).Assembly.Location) ?? ".";
            var moduleFolder = string.Equals(Path.GetFileName(here), "dependencies", StringComparison.Ordinal) ? Path.GetDirectoryName(here) ?? here : here;
            return Path.Combine(moduleFolder, "bootstrap");
        }
    }

    /// <summary>Reads the scripts from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).</summary>
    public static BootstrapScripts Load(string? directory = null)
    {
        var dir = directory ?? DefaultDirectory;
        return new BootstrapScripts(dir, file =>
        {
            var path = Path.Combine(dir, file);
            if (!File.Exists(path))
            {
                throw new ShowcaseException("ShowcaseBootstrapScriptMissing", ShowcaseErrorCategory.ObjectNotFound, path, $"The bootstrap script '{path}' is missing from the module folder.")
                {
                    Terminating = true,
                    RecommendedAction = "Reinstall the module: its bootstrap folder must hold versions.sh, common.sh, gateway.sh, master.sh and agent.sh.",
                };
            }

            return File.ReadAllText(path, Encoding.UTF8);
        });
    }

    /// <summary>Scripts from text (tests): <paramref name="files"/> maps file names to content.</summary>
    public static BootstrapScripts FromText(IReadOnlyDictionary<string, string> files) =>
        new("(memory)", file => files.TryGetValue(file, out var text) ? text : throw new ArgumentException($"No {file}.", nameof(files)));

    /// <summary>The script sent to hosts of <paramref name="role"/>.</summary>
    public string For(string role) =>
        _bodies.TryGetValue(role, out var body) ? body : throw new ArgumentException($"'{role}' is not a bootstrap role.", nameof(role));

    /// <summary>The version of <paramref name="role"/>'s script: the first 16 hex digits of its SHA-256.</summary>
    public string VersionOf(string role) =>
        _versions.TryGetValue(role, out var version) ? version : throw new ArgumentException($"'{role}' is not a bootstrap role.", nameof(role));

    private static string Join(params string[] parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            var text = part.Replace("\r\n", "\n");
            builder.Append(text);
            if (!text.EndsWith("\n", StringComparison.Ordinal))
            {
                builder.Append('\n');
            }
        }

        return builder.ToString();
    }

    private static string Hash(string text)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var builder = new StringBuilder(16);
        for (var i = 0; i < 8; i++)
        {
            builder.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
