using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace ShowcaseOps.Core.Platform;

/// <summary>A minimal ustar writer (regular files, short names), gzip-compressed: what <c>tar -xzf -</c> unpacks.</summary>
internal static class TarArchive
{
    public static byte[] CreateGzip(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var header = Header(file.Key, file.Value.Length);
                gzip.Write(header, 0, header.Length);
                gzip.Write(file.Value, 0, file.Value.Length);
                var padding = (512 - (file.Value.Length % 512)) % 512;
                gzip.Write(new byte[padding], 0, padding);
            }

            var end = new byte[1024];
            gzip.Write(end, 0, end.Length);
        }

        return buffer.ToArray();
    }

    private static byte[] Header(string name, int size)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length > 99)
        {
            throw new ArgumentException("Archive member names are short.", nameof(name));
        }

        var header = new byte[512];
        Buffer.BlockCopy(nameBytes, 0, header, 0, nameBytes.Length);
        Octal(header, 100, 8, 0x180);                 // mode 0600
        Octal(header, 108, 8, 0);                     // uid
        Octal(header, 116, 8, 0);                     // gid
        Octal(header, 124, 12, size);
        Octal(header, 136, 12, 0);                    // mtime
        header[156] = (byte)'0';                      // regular file
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        for (var i = 148; i < 156; i++)
        {
            header[i] = (byte)' ';
        }

        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        var checksum = Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        Buffer.BlockCopy(checksum, 0, header, 148, 8);
        return header;
    }

    private static void Octal(byte[] header, int offset, int length, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(text.ToString(CultureInfo.InvariantCulture)).CopyTo(header, offset);
        header[offset + length - 1] = 0;
    }
}
