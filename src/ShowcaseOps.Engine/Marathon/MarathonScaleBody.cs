using Newtonsoft.Json;

namespace ShowcaseOps.Core.Marathon;

/// <summary>The body of <c>PATCH /v2/apps/{id}</c> that scales an app: <c>{"instances":n}</c>.</summary>
internal sealed record MarathonScaleBody([property: JsonProperty("instances")] int Instances);
