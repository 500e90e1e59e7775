namespace T1.Ml;

/// <summary>Marker for the ML assembly, whose step types the catalog scans.</summary>
public static class MlAssembly;
