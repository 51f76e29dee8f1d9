// The host Invoke-ShowcaseTests.ps1 runs Pester under: everything goes to the console host it wraps, except the lines
// a test leaves uncaptured ("What if:" — which ShouldProcess writes to the host, not to a stream — and VERBOSE /
// WARNING / DEBUG records nobody redirected). Those go to a log file, so the test output shows only Pester's own report.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ShowcaseOps.TestRunner
{
    public sealed class CapturingHost : PSHost
    {
        private readonly PSHost _inner;
        private readonly CapturingHostUI _ui;
        public CapturingHost(PSHost inner, string logPath) { _inner = inner; _ui = new CapturingHostUI(inner.UI, logPath); }
        public IDictionary<string, int> Counts => _ui.Counts;
        public override CultureInfo CurrentCulture => _inner.CurrentCulture;
        public override CultureInfo CurrentUICulture => _inner.CurrentUICulture;
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override string Name => "ShowcaseOpsTestHost";
        public override PSHostUserInterface UI => _ui;
        public override Version Version => _inner.Version;
        public override PSObject PrivateData => _inner.PrivateData;
        public override void EnterNestedPrompt() => throw new NotSupportedException("No nested prompt in the test run.");
        public override void ExitNestedPrompt() => throw new NotSupportedException("No nested prompt in the test run.");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    public sealed class CapturingHostUI : PSHostUserInterface
    {
        private readonly PSHostUserInterface _inner;
        private readonly string _logPath;
        private readonly object _gate = new object();
        private bool _lineStart = true;
        private bool _capturingLine;
        public Dictionary<string, int> Counts { get; } = new Dictionary<string, int> { ["What if"] = 0, ["VERBOSE"] = 0, ["WARNING"] = 0, ["DEBUG"] = 0 };
        public CapturingHostUI(PSHostUserInterface inner, string logPath) { _inner = inner; _logPath = logPath; }

        private void Capture(string kind, string text)
        {
            lock (_gate)
            {
                Counts[kind]++;
                File.AppendAllText(_logPath, (kind == "What if" ? "" : kind + ": ") + text + Environment.NewLine);
            }
        }

        // "What if:" arrives as WriteLine (or Write + WriteLine) from ShouldProcess; a line that starts with it is logged.
        private bool IsWhatIf(string value, bool atLineStart) =>
            (atLineStart && value.StartsWith("What if: ", StringComparison.Ordinal)) || _capturingLine;

        public override PSHostRawUserInterface RawUI => _inner.RawUI;
        public override bool SupportsVirtualTerminal => _inner.SupportsVirtualTerminal;
        public override string ReadLine() => _inner.ReadLine();
        public override SecureString ReadLineAsSecureString() => _inner.ReadLineAsSecureString();
        public override void Write(string value) => Write(_inner.RawUI.ForegroundColor, _inner.RawUI.BackgroundColor, value, plain: true);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(foregroundColor, backgroundColor, value, plain: false);
        private void Write(ConsoleColor fg, ConsoleColor bg, string value, bool plain)
        {
            if (IsWhatIf(value, _lineStart)) { _capturingLine = true; Capture("What if", value); _lineStart = value.EndsWith("\n", StringComparison.Ordinal); if (_lineStart) { _capturingLine = false; } return; }
            if (plain) { _inner.Write(value); } else { _inner.Write(fg, bg, value); }
            if (value.Length > 0) { _lineStart = value.EndsWith("\n", StringComparison.Ordinal); }
        }
        public override void WriteLine(string value)
        {
            if (IsWhatIf(value, _lineStart)) { Capture("What if", value); _capturingLine = false; _lineStart = true; return; }
            _inner.WriteLine(value); _lineStart = true;
        }
        public override void WriteLine() { if (_capturingLine) { _capturingLine = false; _lineStart = true; return; } _inner.WriteLine(); _lineStart = true; }
        public override void WriteLine(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
            if (IsWhatIf(value, _lineStart)) { Capture("What if", value); _capturingLine = false; _lineStart = true; return; }
            _inner.WriteLine(foregroundColor, backgroundColor, value); _lineStart = true;
        }
        public override void WriteInformation(InformationRecord record) => _inner.WriteInformation(record);
        public override void WriteErrorLine(string value) => _inner.WriteErrorLine(value);
        public override void WriteDebugLine(string message) => Capture("DEBUG", message);
        public override void WriteVerboseLine(string message) => Capture("VERBOSE", message);
        public override void WriteWarningLine(string message) => Capture("WARNING", message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        // Prompts go to the console host as before (under -NonInteractive it refuses them, which tests rely on).
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
            _inner.Prompt(caption, message, descriptions);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            _inner.PromptForCredential(caption, message, userName, targetName);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            _inner.PromptForCredential(caption, message, userName, targetName, allowedCredentialTypes, options);
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) =>
            _inner.PromptForChoice(caption, message, choices, defaultChoice);
    }
}
