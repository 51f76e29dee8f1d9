using System.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Marathon;

// The data plane: which task listens on an address and port (what a connection to <agent>:<host port> reaches).
internal sealed partial class MarathonWorld
{
    /// <summary>
    /// The task a TCP connection to <paramref name="address"/>:<paramref name="port"/> reaches: a task on that agent with
    /// that host port, or (IP-per-task, bridge) a task with that container address, that is running or being killed (its
    /// process still answers until it exits). Null when nothing listens there: connection refused.
    /// </summary>
    public SandboxTaskAnswer? ListeningTask(string address, int port)
    {
        lock (_gate)
        {
            var task = _tasks.Values.FirstOrDefault(t => t.State is "TASK_RUNNING" or "TASK_KILLING"
                && ((t.Agent.Address == address && t.Ports.Contains(port)) || (t.ContainerIp == address && (t.Ports.Length == 0 || t.Ports.Contains(port)))));
            return task is null ? null : new SandboxTaskAnswer(task.Id, task.AppId, task.Agent.Address, port, task.State, task.Alive);
        }
    }
}
