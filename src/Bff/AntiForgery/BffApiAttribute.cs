namespace OpenBff;

/// <summary>
/// Marks an MVC controller or action as a BFF API endpoint, as <c>.AsBffApiEndpoint()</c> marks a
/// minimal API: the anti-forgery header (<c>X-CSRF: 1</c>) is required, state-changing requests
/// from another site are refused, and an anonymous caller gets 401, never a redirect.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class BffApiAttribute : Attribute
{
}
