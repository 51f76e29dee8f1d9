namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>The sandbox task that answered a request on the data plane.</summary>
public sealed record SandboxTaskAnswer(string TaskId, string AppId, string AgentAddress, int Port, string State, bool? Alive);

// The data plane: each running task "listens" on its agent address and host ports (served by the sandbox's task network).
public sealed partial class MarathonStandIn
{
    /// <summary>The task listening on <paramref name="address"/>:<paramref name="port"/>, or null (connection refused).</summary>
    public SandboxTaskAnswer? ListeningTask(string address, int port) => _world.ListeningTask(address, port);
}
