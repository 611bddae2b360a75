namespace OpenBff;

/// <summary>When to use an optional protocol feature of the provider.</summary>
public enum ProviderFeatureMode
{
    /// <summary>Use it when the provider's discovery document advertises it (default).</summary>
    Auto,

    /// <summary>Always use it; a provider without it is an error.</summary>
    Always,

    /// <summary>Never use it.</summary>
    Never,
}
