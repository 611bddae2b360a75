using System.Text.RegularExpressions;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Unit;

/// <summary>
/// The library's folders depend on each other in one direction only (issue 14, item 10): read from
/// the sources, where each file holds one type named after it, so a type name used in a file is a
/// dependency of the file's folder on the type's folder. Comments, strings, enum bodies, members
/// reached with a dot and names being declared are not uses.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private const string Root = "(root)";

    [Fact]
    public void The_librarys_folders_have_no_dependency_cycle()
    {
        var graph = FolderGraph(Path.Combine(RepoPaths.Root(), "src", "Bff"));

        var cycles = StronglyConnected(graph).Where(component => component.Count > 1).ToList();

        Assert.True(
            cycles.Count == 0,
            "Folders that depend on each other: " + string.Join("; ", cycles.Select(cycle =>
                string.Join(", ", cycle.Order(StringComparer.Ordinal)) + " (" + string.Join(", ", cycle.SelectMany(from =>
                    graph[from].Where(edge => cycle.Contains(edge.Key)).Select(edge => $"{from} -> {edge.Key}: {edge.Value}"))) + ")")));
    }

    [Fact]
    public void The_check_sees_a_cycle_when_there_is_one()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>
        {
            ["Sessions"] = new() { ["Tokens"] = "ServerSideTicketStore -> TokenEndpointClient" },
            ["Tokens"] = new() { ["Sessions"] = "UserTokenManager -> ServerSideTicketStore" },
            ["Proxy"] = new() { ["Tokens"] = "ProxiedRequest -> UserTokenManager" },
        };

        var cycles = StronglyConnected(graph).Where(component => component.Count > 1).ToList();

        Assert.Equal(["Sessions", "Tokens"], Assert.Single(cycles).Order(StringComparer.Ordinal));
    }

    /// <summary>Folder → folder it uses → one example of the use ("File -> Type").</summary>
    private static Dictionary<string, Dictionary<string, string>> FolderGraph(string library)
    {
        var files = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        string FolderOf(string path) => Path.GetDirectoryName(Path.GetRelativePath(library, path)) is { Length: > 0 } folder ? folder : Root;
        var folderOfType = files.ToDictionary(path => Path.GetFileNameWithoutExtension(path), FolderOf, StringComparer.Ordinal);
        var folders = folderOfType.Values.Where(folder => folder != Root).Distinct().ToList();
        var qualifier = new Regex(@"\b(?:Bff\.)?(?:" + string.Join('|', folders.Select(Regex.Escape)) + @")\.(?=[A-Z])");

        var graph = folderOfType.Values.Distinct().ToDictionary(folder => folder, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var path in files)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var folder = FolderOf(path);
            var source = StringLiteral().Replace(LineComment().Replace(File.ReadAllText(path), string.Empty), "\"\"");
            if (EnumDeclaration().IsMatch(source))
            {
                continue; // an enum's members are names, not uses
            }

            foreach (Match use in TypeUse().Matches(qualifier.Replace(source, string.Empty)))
            {
                if (use.Value != name && folderOfType.TryGetValue(use.Value, out var used) && used != folder)
                {
                    graph[folder].TryAdd(used, $"{name} -> {use.Value}");
                }
            }
        }

        return graph;
    }

    /// <summary>Tarjan's strongly connected components: a component of more than one folder is a cycle.</summary>
    private static List<HashSet<string>> StronglyConnected(Dictionary<string, Dictionary<string, string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<HashSet<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.TryGetValue(node, out var edges) ? edges.Keys.ToList() : [])
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new HashSet<string>(StringComparer.Ordinal);
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }

    [GeneratedRegex(@"//.*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\benum\s+\w+")]
    private static partial Regex EnumDeclaration();

    // A capitalised name not reached with a dot and not being declared (followed by {, ; or =).
    [GeneratedRegex(@"(?<![.\w])[A-Z][A-Za-z0-9]+\b(?!\s*[{;=](?!=))")]
    private static partial Regex TypeUse();
}
