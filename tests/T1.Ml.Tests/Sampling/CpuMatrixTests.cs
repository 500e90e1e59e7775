using T1.Ml.Sampling;

namespace T1.Ml.Tests.Sampling;

/// <summary>
/// <see cref="CpuMatrix.Multiply"/> against a product summed in double, for every kernel it picks by row count: the
/// row-major one (fewer than <see cref="CpuMatrix.PanelRowsFrom"/> rows) and the panel kernels (8 and 4 rows at a time,
/// the last rows one by one, the next panel prefetched while the first block of rows meets one), with and without a
/// bias, output counts past the last whole panel and input counts that are not whole vectors.
/// </summary>
public class CpuMatrixTests
{
    [Theory]
    [InlineData(1, 100, 300)]
    [InlineData(3, 64, 64)]
    [InlineData(4, 100, 300)]
    [InlineData(13, 96, 130)]
    [InlineData(16, 100, 300)]
    [InlineData(16, 64, 1024)]
    [InlineData(20, 100, 300)]
    [InlineData(37, 70, 257)]
    [InlineData(48, 32, 128)]
    public void Multiply_EqualsTheProductSummedInDouble(int rows, int outs, int ins)
    {
        var random = new Random(rows * 1000 + outs + ins);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var matrix = new CpuMatrix(Values(outs * ins), outs, ins);
        var x = Values(rows * ins);
        foreach (var bias in new[] { null, Values(outs) })
        {
            var y = Enumerable.Repeat(float.NaN, rows * outs).ToArray(); // every output must be written
            matrix.Multiply(bias, x, y, rows);
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < outs; o++)
                {
                    double expected = bias?[o] ?? 0;
                    for (int i = 0; i < ins; i++) expected += (double)x[r * ins + i] * matrix.Rows[o * ins + i];
                    Assert.True(Math.Abs(y[r * outs + o] - expected) <= 1e-4 * Math.Sqrt(ins),
                        $"rows {rows}, bias {bias is not null}: y[{r}, {o}] = {y[r * outs + o]}, expected {expected}");
                }
        }
    }

    [Fact]
    public void Multiply_GivesTheSameRowWhateverElseIsInTheBatch()
    {
        var random = new Random(5);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        const int outs = 96, ins = 200;
        var matrix = new CpuMatrix(Values(outs * ins), outs, ins);
        var x = Values(20 * ins);
        var all = new float[20 * outs];
        matrix.Multiply(null, x, all, 20);
        var first16 = new float[16 * outs];
        matrix.Multiply(null, x, first16, 16);
        for (int k = 0; k < 16 * outs; k++) Assert.Equal(first16[k], all[k]); // same kernel, same order: exactly equal
    }
}
