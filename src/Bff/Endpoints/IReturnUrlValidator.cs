namespace OpenBff;

/// <summary>
/// Decides whether a <c>returnUrl</c> given to <c>/bff/login</c> or <c>/bff/logout</c> may be
/// redirected to. The default (<see cref="LocalReturnUrlValidator"/>) accepts local paths only;
/// replace it (<c>services.AddSingleton&lt;IReturnUrlValidator, MyValidator&gt;()</c>) to also
/// accept, say, an SPA served from another origin. Whatever it accepts, the BFF still refuses
/// values with whitespace or control characters, and values over 2,048 characters.
/// </summary>
public interface IReturnUrlValidator
{
    /// <summary>True when <paramref name="returnUrl"/> is safe to redirect to.</summary>
    Task<bool> IsValidAsync(string returnUrl);
}
