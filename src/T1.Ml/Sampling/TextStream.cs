using System.Text;
using T1.Ml.Tokenization;

namespace T1.Ml.Sampling;

/// <summary>
/// Turns tokens into text as they come, for streaming: a token that ends inside a multi-byte character is held
/// until the character is complete, and text that may be the start of a stop string is held until it is
/// known not to be one. Once a stop string appears the text is cut before it and <see cref="Stopped"/> is set.
/// </summary>
internal sealed class TextStream(ITextTokenizer tokenizer, IReadOnlyList<string> stops)
{
    private const int MaxHeldTokens = 8; // a UTF-8 character is at most 4 bytes; more than this is not going to complete
    private readonly List<int> _pending = [];
    private readonly StringBuilder _text = new();
    private readonly int _longestStop = stops.Count == 0 ? 0 : stops.Max(s => s.Length);
    private int _emitted;

    /// <summary>A stop string was found; the text ends before it.</summary>
    public bool Stopped { get; private set; }

    /// <summary>All text so far (held text included, stop string excluded).</summary>
    public string Text => _text.ToString();

    /// <summary>Adds a token; returns the text that may be shown now.</summary>
    public string Add(int token)
    {
        if (Stopped) return "";
        _pending.Add(token);
        var piece = tokenizer.Decode(_pending, skipSpecialTokens: true);
        if (piece.EndsWith('\uFFFD') && _pending.Count < MaxHeldTokens) return "";
        _pending.Clear();
        return Append(piece);
    }

    /// <summary>Adds literal text (e.g. a forced answer prompt); returns the text that may be shown now.</summary>
    public string Append(string piece)
    {
        if (Stopped || piece.Length == 0) return "";
        int searchFrom = Math.Max(0, _text.Length - _longestStop + 1);
        _text.Append(piece);
        if (_longestStop > 0)
        {
            var text = _text.ToString();
            int cut = -1;
            foreach (var stop in stops)
            {
                int at = text.IndexOf(stop, searchFrom, StringComparison.Ordinal);
                if (at >= 0 && (cut < 0 || at < cut)) cut = at;
            }
            if (cut >= 0)
            {
                _text.Length = cut;
                Stopped = true;
                return Take(_text.Length);
            }
            return Take(_text.Length - HeldForStop(text));
        }
        return Take(_text.Length);
    }

    /// <summary>Everything not shown yet (at the end of the choice).</summary>
    public string Flush()
    {
        if (_pending.Count > 0 && !Stopped)
        {
            _text.Append(tokenizer.Decode(_pending, skipSpecialTokens: true));
            _pending.Clear();
        }
        return Take(_text.Length);
    }

    private string Take(int upTo)
    {
        if (upTo <= _emitted) return "";
        var s = _text.ToString(_emitted, upTo - _emitted);
        _emitted = upTo;
        return s;
    }

    /// <summary>Length of the longest tail of <paramref name="text"/> that is a proper prefix of a stop string.</summary>
    private int HeldForStop(string text)
    {
        int held = 0;
        foreach (var stop in stops)
            for (int n = Math.Min(stop.Length - 1, text.Length); n > held; n--)
                if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n))) { held = n; break; }
        return held;
    }
}
