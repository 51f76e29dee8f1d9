using System.IO;
using System.Management.Automation;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Reads -CertificatePath/-KeyPath for Register-ShowcaseGateway before anything is contacted: both or neither, file-system
/// paths of regular files (a size the file system knows, at most 64 KiB; not a directory, device, FIFO or /proc file,
/// whose size reads 0), then parsed and matched by <see cref="GatewayCertificate.Parse"/>.
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

        var info = new FileInfo(full);
        if (!info.Exists || (info.Attributes & (FileAttributes.Directory | FileAttributes.Device)) != 0)
        {
            throw GatewayCertificate.Invalid(path, $"{parameter} is not an existing regular file");
        }

        if (info.Length == 0 || info.Length > GatewayCertificate.MaxFileBytes)
        {
            throw GatewayCertificate.Invalid(path, $"{parameter} must be a regular file of 1 byte to {GatewayCertificate.MaxFileBytes / 1024} KiB (it is {info.Length} bytes)");
        }

        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
            var buffer = new byte[GatewayCertificate.MaxFileBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total != info.Length)
            {
                throw GatewayCertificate.Invalid(path, $"{parameter} changed size while it was read, or is not a regular file");
            }

            return new System.Text.UTF8Encoding(false, true).GetString(buffer, 0, total);
        }
        catch (System.Exception ex) when (ex is IOException or System.UnauthorizedAccessException or System.Text.DecoderFallbackException)
        {
            throw GatewayCertificate.Invalid(path, $"{parameter} cannot be read as text ({ex.Message.TrimEnd('.')})");
        }
    }
}
