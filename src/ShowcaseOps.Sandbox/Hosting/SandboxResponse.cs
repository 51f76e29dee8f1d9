using System.Collections.Generic;
using System.Text;
using Newtonsoft.Json;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>What a stand-in answers. <see cref="ErrorCode"/> is recorded in the request log.</summary>
public sealed class SandboxResponse
{
    public SandboxResponse(int status, string contentType, byte[] body)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
    }

    public int Status { get; }

    public string ContentType { get; }

    public byte[] Body { get; }

    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();

    /// <summary>The AWS error code or a short reason, for the request log; null on success.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>A server-sent-event stream: when set, the host writes <see cref="Body"/> and then pumps this until it ends.</summary>
    public IAsyncStreamWriter? Stream { get; set; }

    public static SandboxResponse Json(int status, object? value) =>
        new(status, "application/json", Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(value)));

    public static SandboxResponse RawJson(int status, string json) =>
        new(status, "application/json", Encoding.UTF8.GetBytes(json));

    public static SandboxResponse Text(int status, string text, string contentType = "text/plain; charset=utf-8") =>
        new(status, contentType, Encoding.UTF8.GetBytes(text));

    public static SandboxResponse Empty(int status) => new(status, "text/plain", System.Array.Empty<byte>());
}

/// <summary>Writes a long-lived response (server-sent events) after the headers have gone out.</summary>
public interface IAsyncStreamWriter
{
    System.Threading.Tasks.Task WriteAsync(System.IO.Stream output, System.Threading.CancellationToken cancellationToken);
}
