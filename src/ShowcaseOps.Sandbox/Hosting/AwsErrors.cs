using System.Security;
using System.Text;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>Error bodies in the shapes the AWS SDK parses.</summary>
public static class AwsErrors
{
    /// <summary>EC2 Query protocol: <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code&gt;</c>.</summary>
    public static SandboxResponse Query(int status, string code, string message)
    {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + SecurityElement.Escape(code)
                  + "</Code><Message>" + SecurityElement.Escape(message) + "</Message></Error></Errors><RequestID>"
                  + System.Guid.NewGuid().ToString() + "</RequestID></Response>";
        return new SandboxResponse(status, "text/xml;charset=UTF-8", Encoding.UTF8.GetBytes(xml)) { ErrorCode = code };
    }

    /// <summary>AWS JSON 1.1 protocol (SSM): <c>{"__type": code, "message": …}</c>.</summary>
    public static SandboxResponse Json(int status, string code, string message)
    {
        var response = SandboxResponse.Json(status, new { __type = code, message });
        var typed = new SandboxResponse(status, "application/x-amz-json-1.1", response.Body) { ErrorCode = code };
        typed.Headers["x-amzn-ErrorType"] = code;
        return typed;
    }

    /// <summary>The HTTP status AWS uses for a code when a test gave none: throttling 400/503, server errors 500.</summary>
    public static int StatusFor(string code, int requested) =>
        requested != 0 ? requested : code switch
        {
            "InternalError" or "InternalServerError" => 500,
            "ServiceUnavailable" or "Unavailable" => 503,
            _ => 400,
        };
}
