using System.IO;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Reads -CertificatePath/-KeyPath for Register-ShowcaseGateway before anything is contacted: both or neither, file-system
/// paths of regular files (<see cref="RegularFile"/>: at most 64 KiB; not a directory, device, FIFO or /proc file), then
/// parsed and matched by <see cref="GatewayCertificate.Parse"/>. Every refusal is ShowcaseGatewayCertificateInvalid.
/// </summary>
internal static class GatewayCertificateFiles
{
    public static GatewayCertificate Load(PSCmdlet cmdlet, string? certificatePath, string? keyPath)
    {
        if (certificatePath is null || keyPath is null)
        {
            throw GatewayCertificate.Invalid(certificatePath ?? keyPath ?? "-CertificatePath", "-CertificatePath and -KeyPath go together (pass both, or neither for a generated certificate)");
        }

        var certificate = Read(cmdlet, certificatePath, "-CertificatePath");
        var key = Read(cmdlet, keyPath, "-KeyPath");
        return GatewayCertificate.Parse(certificate, key, certificatePath);
    }

    private static string Read(PSCmdlet cmdlet, string path, string parameter)
    {
        string full;
        try
        {
            full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.Name != "FileSystem")
            {
                throw GatewayCertificate.Invalid(path, $"{parameter} must be a file-system path");
            }
        }
        catch (System.Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException)
        {
            throw GatewayCertificate.Invalid(path, $"{parameter} is not a usable path ({ex.Message.TrimEnd('.')})");
        }

        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw GatewayCertificate.Invalid(path, $"{parameter}: no such file");
        }

        if (RegularFile.Problem(full, GatewayCertificate.MaxFileBytes) is { } problem)
        {
            throw GatewayCertificate.Invalid(path, $"{parameter} {problem.TrimEnd('.')}");
        }

        try
        {
            return RegularFile.ReadAllText(full, GatewayCertificate.MaxFileBytes);
        }
        catch (System.Exception ex) when (ex is IOException or System.UnauthorizedAccessException)
        {
            throw GatewayCertificate.Invalid(path, $"{parameter} cannot be read ({ex.Message.TrimEnd('.')})");
        }
    }
}
