using System.Diagnostics;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// A small tmpfs of its own for one test (Linux, root: the CI machine runs as root), to make a
/// real disk full (<see cref="FillAsync"/>) or read-only (<see cref="MakeReadOnlyAsync"/>) under
/// a running BFF, and give the space or the write access back. Unmounted on dispose.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private readonly TempDirectory _mountPoint = new("bff-disk");
    private readonly List<string> _readOnly = [];
    private bool _mounted;

    private SmallDisk()
    {
    }

    public string Path => _mountPoint.Path;

    private string FillerPath => System.IO.Path.Combine(Path, "filler");

    /// <summary>Why a tmpfs cannot be mounted here (not root, not Linux), or null when it can.</summary>
    public static string? Unavailable =>
        !OperatingSystem.IsLinux() ? "mounting a tmpfs needs Linux"
        : Environment.UserName != "root" ? "mounting a tmpfs needs root (the CI machine runs as root)"
        : null;

    public static async Task<SmallDisk> MountAsync(int megabytes = 16)
    {
        var disk = new SmallDisk();
        try
        {
            await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0777", "tmpfs", disk.Path);
            disk._mounted = true;
            return disk;
        }
        catch
        {
            await disk.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fills every free byte, so the next write that needs space fails with ENOSPC.</summary>
    public async Task FillAsync()
    {
        var chunk = new byte[64 * 1024];
        await using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            while (true)
            {
                await filler.WriteAsync(chunk);
                await filler.FlushAsync();
            }
        }
        catch (IOException)
        {
            // no space left: now fill the last partial chunk byte by byte
        }

        try
        {
            while (true)
            {
                await filler.WriteAsync(chunk.AsMemory(0, 512));
                await filler.FlushAsync();
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Gives the space back.</summary>
    public void Free() => File.Delete(FillerPath);

    /// <summary>
    /// Makes <paramref name="folder"/> (under <see cref="Path"/>) read-only with a read-only bind
    /// mount over it: what is opened from now on cannot be written (files already open keep their
    /// access, as on any Linux file system; a file system with open files cannot be remounted).
    /// </summary>
    public async Task MakeReadOnlyAsync(string folder)
    {
        await RunAsync("mount", "--bind", folder, folder);
        _readOnly.Add(folder);
        await RunAsync("mount", "-o", "remount,bind,ro", folder);
    }

    /// <summary>Removes the read-only bind mount over <paramref name="folder"/>.</summary>
    public async Task MakeWritableAsync(string folder)
    {
        await RunAsync("umount", "-l", folder);
        _readOnly.Remove(folder);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var folder in _readOnly.ToList())
        {
            await MakeWritableAsync(folder);
        }

        if (_mounted)
        {
            await RunAsync("umount", "-l", Path);
            _mounted = false;
        }

        _mountPoint.Dispose();
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
