using System;
using System.Diagnostics;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Text;

namespace ShowcaseOps.Core.Platform;

/// <summary>Turns failed platform responses into errors users can act on.</summary>
public static class PlatformFailures
{
    /// <summary>
    /// The error for a response that did not succeed: <c>PlatformUnreachable</c> (status 0, ConnectionError) or
    /// <c>PlatformRequestFailed</c> (an HTTP error status, InvalidResult), with the request as target.
    /// </summary>
    public static ShowcaseException ToException(PlatformResponse response, string channel)
    {
        if (response is null)
        {
            throw new ArgumentNullException(nameof(response));
        }

        var request = response.Request;
        if (response.Status == 0)
        {
            return new ShowcaseException(
                ShowcaseErrors.PlatformUnreachable,
                request,
                $"{request.Target} could not be reached for '{request.Description}' (channel {channel}): {Shorten(response.Body)}")
            {
                RecommendedAction = $"Check that {request.Target} runs and listens on its admin port, and that the {channel} channel can reach it.",
            };
        }

        return new ShowcaseException(
            ShowcaseErrors.PlatformRequestFailed,
            response.Status == 409 ? ShowcaseErrorCategory.ResourceExists
                : response.Status == 404 ? ShowcaseErrorCategory.ObjectNotFound
                : response.Status is 400 or 405 or 422 ? ShowcaseErrorCategory.InvalidArgument
                : ShowcaseErrorCategory.InvalidResult,
            request,
            $"{request.Target} answered {response.Status} to '{request.Description}' ({request.Method} {request.PathAndQuery}): {Shorten(response.Body)}");
    }

    private static string Shorten(string body)
    {
        var text = MessageText.ShortenBody(body, 500);
        return text.Length == 0 ? "(no body)" : text;
    }
}
