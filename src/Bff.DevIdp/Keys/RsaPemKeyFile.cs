using System.Security.Cryptography;

namespace Bff.DevIdp;

/// <summary>Loads an RSA private key from a PEM file, creating the file (mode 0600) on first use.</summary>
internal static class RsaPemKeyFile
{
    private const int KeySizeInBits = 2048;

    /// <summary>Returns the key and whether it was newly created.</summary>
    public static (RSA Key, bool Created) LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return (Load(path), false);
        }

        var rsa = RSA.Create(KeySizeInBits);
        try
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, rsa.ExportRSAPrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created the key first: use that one.
                File.Delete(temporary);
                rsa.Dispose();
                return (Load(path), false);
            }

            return (rsa, true);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static RSA Load(string path)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException(
                $"The key file '{path}' is not a valid RSA private key in PEM format. Delete it to create a new key.",
                exception);
        }
    }
}
