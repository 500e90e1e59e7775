namespace T1.Server.Portal.Search;

/// <summary>One value of a comparison as written (<see cref="Text"/>), with its reading as a number or a UTC time where it has one.</summary>
public sealed record SearchValue(string Text, double? Number, DateTime? Time, int Column);
