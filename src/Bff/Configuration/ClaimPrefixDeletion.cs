using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;

namespace OpenBff.Configuration;

/// <summary>A claim action removing every claim whose type starts with its <see cref="ClaimAction.ClaimType"/> (a provider's internal ids).</summary>
internal sealed class ClaimPrefixDeletion(string prefix) : ClaimAction(prefix, ClaimValueTypes.String)
{
    public override void Run(JsonElement userData, ClaimsIdentity identity, string issuer)
    {
        foreach (var claim in identity.Claims.Where(c => c.Type.StartsWith(ClaimType, StringComparison.Ordinal)).ToList())
        {
            identity.TryRemoveClaim(claim);
        }
    }
}
