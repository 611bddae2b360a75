using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OpenBff.Authentication;

/// <summary>
/// ASP.NET Core's <see cref="AuthenticationSchemeProvider"/>, answering the two questions the
/// authentication middleware asks on every request (the request-handler schemes, the default
/// scheme to authenticate with) with the same completed tasks until a scheme is added or removed,
/// instead of a new task per question and request. Its answers are the base class's: each is made
/// by it, and made again after any change of the schemes (a scheme added at run time is seen by the
/// next request). The options are read once, by the base class, as ever. Registered by
/// <c>AddBff</c> in place of ASP.NET Core's provider only; a provider of the host's own is kept.
/// </summary>
internal sealed class CachingAuthenticationSchemeProvider : AuthenticationSchemeProvider
{
    private int _version;
    private Answers? _answers;

    public CachingAuthenticationSchemeProvider(IOptions<AuthenticationOptions> options)
        : base(options)
    {
    }

    public override Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() => Current().RequestHandlers;

    public override Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() => Current().DefaultAuthenticate;

    public override void AddScheme(AuthenticationScheme scheme)
    {
        base.AddScheme(scheme);
        Changed();
    }

    public override bool TryAddScheme(AuthenticationScheme scheme)
    {
        var added = base.TryAddScheme(scheme);
        Changed();
        return added;
    }

    public override void RemoveScheme(string name)
    {
        base.RemoveScheme(name);
        Changed();
    }

    /// <summary>
    /// After the base class changed its schemes: answers made before (labelled with an older
    /// version) are made again. An answer made while a change was under way carries the version
    /// read before it was made, so it is never taken for one made after the change.
    /// </summary>
    private void Changed() => Interlocked.Increment(ref _version);

    private Answers Current()
    {
        var version = Volatile.Read(ref _version);
        if (Volatile.Read(ref _answers) is { } answers && answers.Version == version)
        {
            return answers;
        }

        var made = new Answers(version, base.GetRequestHandlerSchemesAsync(), base.GetDefaultAuthenticateSchemeAsync());
        Volatile.Write(ref _answers, made);
        return made;
    }

    private sealed record Answers(int Version, Task<IEnumerable<AuthenticationScheme>> RequestHandlers, Task<AuthenticationScheme?> DefaultAuthenticate);
}
