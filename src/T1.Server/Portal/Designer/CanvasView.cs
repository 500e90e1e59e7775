using T1.Workflows.Authoring;

namespace T1.Server.Portal.Designer;

/// <summary>
/// What part of the canvas the designer shows: a point at canvas coordinates (x, y) is drawn at pixel
/// (X + x·Scale, Y + y·Scale) of the canvas element. Zooming keeps the point under the pointer in place.
/// </summary>
public readonly record struct CanvasView(double Scale, double X, double Y)
{
    public const double MinScale = 0.2, MaxScale = 2.5;

    /// <summary>Fit never enlarges beyond this: a small workflow stays at its natural size.</summary>
    public const double FitMaxScale = 1;

    /// <summary>Pixels left around the content when fitting.</summary>
    public const double FitMargin = 24;

    public static readonly CanvasView Identity = new(1, 0, 0);

    /// <summary>The canvas point shown at pixel (<paramref name="px"/>, <paramref name="py"/>).</summary>
    public CanvasPoint ToCanvas(double px, double py) => new((px - X) / Scale, (py - Y) / Scale);

    /// <summary>Zoomed by <paramref name="factor"/> (clamped to [<see cref="MinScale"/>, <see cref="MaxScale"/>]) about pixel (px, py).</summary>
    public CanvasView ZoomAt(double factor, double px, double py)
    {
        var scale = Math.Clamp(Scale * factor, MinScale, MaxScale);
        var at = ToCanvas(px, py);
        return new CanvasView(scale, px - at.X * scale, py - at.Y * scale);
    }

    /// <summary>Moved by (dx, dy) pixels.</summary>
    public CanvasView Pan(double dx, double dy) => this with { X = X + dx, Y = Y + dy };

    /// <summary>The view that centres canvas point <paramref name="at"/> in a viewport of <paramref name="width"/> × <paramref name="height"/> pixels, at this scale.</summary>
    public CanvasView CenterOn(CanvasPoint at, double width, double height) =>
        this with { X = width / 2 - at.X * Scale, Y = height / 2 - at.Y * Scale };

    /// <summary>The view that shows all of <paramref name="content"/>, centred, in a viewport of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static CanvasView Fit(CanvasBounds content, double width, double height)
    {
        if (content.Width <= 0 || content.Height <= 0 || width <= 0 || height <= 0) return Identity;
        var scale = Math.Clamp(Math.Min((width - 2 * FitMargin) / content.Width, (height - 2 * FitMargin) / content.Height), MinScale, FitMaxScale);
        return new CanvasView(scale, 0, 0).CenterOn(new CanvasPoint(content.X + content.Width / 2, content.Y + content.Height / 2), width, height);
    }

    /// <summary>Whether all of <paramref name="box"/> is inside a viewport of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public bool Shows(CanvasBounds box, double width, double height) =>
        X + box.X * Scale >= 0 && Y + box.Y * Scale >= 0
        && X + (box.X + box.Width) * Scale <= width && Y + (box.Y + box.Height) * Scale <= height;
}

/// <summary>A rectangle in canvas coordinates.</summary>
public readonly record struct CanvasBounds(double X, double Y, double Width, double Height)
{
    /// <summary>The smallest rectangle holding every box (empty: a zero rectangle).</summary>
    public static CanvasBounds Around(IEnumerable<CanvasBounds> boxes)
    {
        var list = boxes.ToList();
        if (list.Count == 0) return default;
        var (x0, y0) = (list.Min(b => b.X), list.Min(b => b.Y));
        return new CanvasBounds(x0, y0, list.Max(b => b.X + b.Width) - x0, list.Max(b => b.Y + b.Height) - y0);
    }
}
