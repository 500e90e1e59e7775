using System.CommandLine;
using T1.Cli;
using T1.Cli.Commands;

var root = new RootCommand("T1 Platform: train reasoning language models with declarative workflows (synthesize → SFT → RL → evaluate → promote).");
root.Options.Add(GlobalOptions.Database);
root.Options.Add(GlobalOptions.DataDir);
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(RunCommand.CreateDemo());
root.Subcommands.Add(RunsCommands.CreateList());
root.Subcommands.Add(RunsCommands.CreateShow());
root.Subcommands.Add(RunsCommands.CreateCancel());
root.Subcommands.Add(RunsCommands.CreateResume());
root.Subcommands.Add(RegisterCommand.Create());
root.Subcommands.Add(StepsCommand.Create());
root.Subcommands.Add(HostCommands.CreateServe());
root.Subcommands.Add(HostCommands.CreateWorker());
return await CliErrors.RunAsync(() => root.Parse(args).InvokeAsync());
