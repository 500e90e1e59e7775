using System.Diagnostics;
using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class AnswerVerifierTests
{
    [Theory]
    [InlineData("42", "42.0")]
    [InlineData("1,000,000", "1000000")]
    [InlineData("0.5", "\\frac{1}{2}")]
    [InlineData("\\dfrac{3}{4}", "\\tfrac34")]
    [InlineData("3/4", "\\frac{3}{4}")]
    [InlineData(".25", "\\frac14")]
    public void Verify_TreatsNumberAndFractionForms_AsEqual(string candidate, string reference) =>
        AssertEqual(candidate, reference);

    [Theory]
    [InlineData("2\\sqrt{2}", "\\sqrt{8}")]
    [InlineData("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt2}")]
    [InlineData("2\\pi", "\\pi \\cdot 2")]
    [InlineData("\\frac{\\pi}{2}", "0.5\\pi")]
    [InlineData("\\sqrt[3]{-8}", "-2")]
    public void Verify_TreatsRootsAndPi_AsEqual(string candidate, string reference) => AssertEqual(candidate, reference);

    [Theory]
    [InlineData("50\\%", "50")]
    [InlineData("30^\\circ", "30")]
    [InlineData("12\\text{ cm}", "12")]
    [InlineData("\\$5", "5")]
    [InlineData("x = 5", "5")]
    [InlineData("\\text{(B)}", "B")]
    [InlineData("(C)", "C")]
    public void Verify_IgnoresSignsUnitsAndLabels(string candidate, string reference) => AssertEqual(candidate, reference);

    [Theory]
    [InlineData("(1, 2)", "(1,2)")]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})")]
    [InlineData("[-1, \\frac12)", "[-1,0.5)")]
    [InlineData("\\{3, 1, 2\\}", "\\{1,2,3\\}")]
    [InlineData("-2, 1", "1,-2")]
    [InlineData("(-\\infty, 0) \\cup (1, \\infty)", "(-\\infty,0)\\cup(1,\\infty)")]
    [InlineData("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1,2)")]
    public void Verify_ComparesTuplesIntervalsAndSets(string candidate, string reference) => AssertEqual(candidate, reference);

    [Theory]
    [InlineData("3+4i", "4i+3")]
    [InlineData("(1+i)^2", "2i")]
    [InlineData("(x+1)^2", "x^2+2x+1")]
    [InlineData("(a-b)(a+b)", "a^2-b^2")]
    [InlineData("\\frac{x^2-1}{x-1}", "x+1")]
    public void Verify_ExpandsComplexAndPolynomialExpressions(string candidate, string reference) => AssertEqual(candidate, reference);

    [Theory]
    [InlineData("41", "42")]
    [InlineData("0.333", "\\frac13")]
    [InlineData("(2,1)", "(1,2)")]
    [InlineData("[1,2]", "(1,2)")]
    [InlineData("\\{1,2\\}", "\\{1,2,3\\}")]
    [InlineData("x^2+2x", "x^2+2x+1")]
    [InlineData("A", "B")]
    [InlineData("3-4i", "3+4i")]
    [InlineData("12345678901234567890", "12345678901234567891")]
    public void Verify_RejectsDifferentAnswers(string candidate, string reference)
    {
        var verdict = AnswerVerifier.Verify(candidate, reference);
        Assert.False(verdict.IsCorrect, $"{candidate} vs {reference}: {verdict.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(verdict.Reason));
    }

    [Fact]
    public void Verify_ReturnsNotEqualQuickly_ForPathologicalInputs()
    {
        string[] inputs =
        [
            new string('9', 5000),
            string.Concat(Enumerable.Repeat("{", 500)) + "1" + string.Concat(Enumerable.Repeat("}", 500)),
            string.Concat(Enumerable.Repeat("\\frac{1}{", 30)) + "2" + new string('}', 30),
            "10^{10^{10^{10}}}",
            "(x+y+z+w+1)^{60}",
            "9^{9999}",
            string.Join("*", Enumerable.Repeat("(a+b+c+d)", 40)),
            "\\sqrt{" + new string('(', 40) + "1" + new string(')', 40) + "}",
            "\\boxed{\\boxed{\\boxed{}}}",
            "((((((((",
        ];
        var watch = Stopwatch.StartNew();
        foreach (var input in inputs)
        {
            var verdict = AnswerVerifier.Verify(input, "7");
            Assert.False(verdict.IsCorrect, input);
            AnswerVerifier.Verify(input, input + "+1");
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Verify_RejectsInputOverTheSizeLimit_WithReason()
    {
        var verdict = AnswerVerifier.Verify(new string('1', AnswerVerifier.MaxLength + 1), "1");
        Assert.False(verdict.IsCorrect);
        Assert.Contains("too long", verdict.Reason);
    }

    private static void AssertEqual(string candidate, string reference)
    {
        var verdict = AnswerVerifier.Verify(candidate, reference);
        Assert.True(verdict.IsCorrect, $"{candidate} vs {reference}: {verdict.Reason}");
        var reverse = AnswerVerifier.Verify(reference, candidate);
        Assert.True(reverse.IsCorrect, $"{reference} vs {candidate}: {reverse.Reason}");
    }
}
