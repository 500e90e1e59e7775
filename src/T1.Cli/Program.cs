using System.CommandLine;
using T1.Cli;
using T1.Cli.Commands;

// Logs and pipes get full-width tables instead of 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

var root = new RootCommand("T1 Platform: train reasoning language models with declarative workflows (synthesize → SFT → RL → evaluate → promote).");
root.Options.Add(GlobalOptions.Database);
root.Options.Add(GlobalOptions.DataDir);
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(PlanCommand.Create());
root.Subcommands.Add(RunCommand.CreateDemo());
root.Subcommands.Add(RunsCommands.CreateList());
root.Subcommands.Add(RunsCommands.CreateShow());
root.Subcommands.Add(RunsCommands.CreateCancel());
root.Subcommands.Add(RunsCommands.CreateResume());
root.Subcommands.Add(RegisterCommand.Create());
root.Subcommands.Add(StepsCommand.Create());
root.Subcommands.Add(GradeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(GcCommand.Create());
AccessCommands.AddTo(root);
root.Subcommands.Add(HostCommands.CreateServe());
root.Subcommands.Add(HostCommands.CreateWorker());
// Errors are ours to print (CliErrors): one actionable line, exit code 2, no stack trace.
// Ctrl+C is not System.CommandLine's: it would cancel the command and return after 2 s while a
// step's native code still runs (a segfault at exit). `t1 run`/`resume` interrupt their run at a
// safe point (InterruptSignal); `serve`/`worker` stop their host gracefully; others just end.
return await CliErrors.RunAsync(() => root.Parse(args).InvokeAsync(new InvocationConfiguration
{
    EnableDefaultExceptionHandler = false,
    ProcessTerminationTimeout = null,
}));
