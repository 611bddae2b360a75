namespace OpenBff;

/// <summary>
/// The default <see cref="IReturnUrlValidator"/>: local paths only (<c>/orders?id=1</c>), refusing
/// absolute and scheme-relative URLs, backslashes, control characters and anything hidden behind
/// percent-encoding. Derive from it to accept more, and call the base for local paths.
/// </summary>
public class LocalReturnUrlValidator : IReturnUrlValidator
{
    /// <inheritdoc/>
    public virtual Task<bool> IsValidAsync(string returnUrl) => Task.FromResult(Endpoints.ReturnUrl.IsLocal(returnUrl));
}
