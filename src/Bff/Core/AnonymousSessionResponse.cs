namespace OpenBff;

/// <summary>What <c>/bff/user</c> answers without a session (<c>Bff:AnonymousSessionResponse</c>).</summary>
public enum AnonymousSessionResponse
{
    /// <summary>401, no body (the default).</summary>
    Response401,

    /// <summary>200 with the JSON <c>null</c>.</summary>
    Response200,
}
