namespace T1.Ml.Sampling;

/// <summary>
/// One decode row's own random numbers: SplitMix64 (Steele, Lea and Flood 2014) over a state that starts at the row's
/// seed, mixed. Managed and platform-independent, so a seeded row draws the same sequence on any machine and whatever
/// else is in the batch: it advances only when its own row samples a token (one uniform a token).
/// </summary>
internal sealed class RowRandom(long seed)
{
    private ulong _state = Mix((ulong)seed);

    /// <summary>The next uniform number in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (Mix(_state += 0x9E3779B97F4A7C15UL) >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
