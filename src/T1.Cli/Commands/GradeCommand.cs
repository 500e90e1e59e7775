using System.CommandLine;
using T1.Ml.Tasks;

namespace T1.Cli.Commands;

/// <summary>`t1 grade FILE.jsonl`: one JSON verdict per line, then `graded N, correct M (P%)`.</summary>
internal static class GradeCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "JSONL file with a response and a reference answer per line (- for standard input)." };
        var responseField = new Option<string>("--response-field") { Description = "Field holding the model's response.", DefaultValueFactory = _ => "response" };
        var answerField = new Option<string>("--answer-field") { Description = "Field holding the reference answer.", DefaultValueFactory = _ => "answer" };
        var cmd = new Command("grade", "Grade responses against reference answers with the T1 answer verifier.") { file, responseField, answerField };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (path != "-" && !File.Exists(path)) throw new CliException($"{path}: no such file; give a JSONL file (or - for standard input).");
            using var reader = path == "-" ? Console.In : new StreamReader(path);
            try
            {
                JsonlGrader.Grade(reader, Console.Out, parse.GetValue(responseField)!, parse.GetValue(answerField)!, source: path == "-" ? "line" : path);
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message + "; fix that line or pick the fields with --response-field / --answer-field.");
            }
            return CliErrors.Ok;
        });
        return cmd;
    }
}
