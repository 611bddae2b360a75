// Dependency audit: fails on a known-vulnerable NuGet or npm (production) package. When the
// registries' vulnerability data cannot be reached, it warns and skips rather than fails.
import { run } from './lib.mjs';

async function nuget() {
  const { code, out } = await run('dotnet', ['list', 'Bff.sln', 'package', '--vulnerable', '--include-transitive', '--format', 'json'], { capture: true });
  let report;
  try {
    report = JSON.parse(out.slice(out.indexOf('{')));
  } catch {
    return { name: 'NuGet packages', skipped: true, detail: `could not read the vulnerability report (exit ${code}); offline?` };
  }
  if (report.problems?.length) {
    return { name: 'NuGet packages', skipped: true, detail: report.problems.map((p) => p.text).join('; ') };
  }
  // An empty report means "no known vulnerability" only if a source publishes vulnerability data.
  if (!(await anySourceHasVulnerabilityData(report.sources ?? []))) {
    return { name: 'NuGet packages', skipped: true, detail: `no package source publishes vulnerability data (${(report.sources ?? []).join(', ')})` };
  }
  const findings = [];
  for (const project of report.projects ?? []) {
    for (const framework of project.frameworks ?? []) {
      for (const pkg of [...(framework.topLevelPackages ?? []), ...(framework.transitivePackages ?? [])]) {
        for (const v of pkg.vulnerabilities ?? []) {
          findings.push(`${project.path.split('/').pop()}: ${pkg.id} ${pkg.resolvedVersion} (${v.severity}) ${v.advisoryurl}`);
        }
      }
    }
  }
  return { name: 'NuGet packages', findings };
}

async function anySourceHasVulnerabilityData(sources) {
  for (const source of sources) {
    try {
      const index = await (await fetch(source, { signal: AbortSignal.timeout(15000) })).json();
      if ((index.resources ?? []).some((r) => String(r['@type']).startsWith('VulnerabilityInfo'))) {
        return true;
      }
    } catch {
      // unreachable source: no data from it
    }
  }
  return false;
}

async function npm() {
  const { out } = await run('npm', ['audit', '--omit=dev', '--json'], { capture: true });
  let report;
  try {
    report = JSON.parse(out);
  } catch {
    return { name: 'npm packages', skipped: true, detail: 'could not read npm audit output; offline?' };
  }
  if (report.error || report.message) {
    return { name: 'npm packages', skipped: true, detail: report.error?.summary ?? report.message ?? 'npm audit failed' };
  }
  const findings = Object.values(report.vulnerabilities ?? {}).map((v) => `${v.name} (${v.severity})`);
  return { name: 'npm packages', findings };
}

export async function audit() {
  const results = [await nuget(), await npm()];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.skipped) {
      console.warn(`[bff] WARNING: dependency audit of ${r.name} skipped: ${r.detail}`);
      skipped++;
    } else if (r.findings.length) {
      console.error(`[bff] known-vulnerable ${r.name}:\n  ${r.findings.join('\n  ')}`);
      failed++;
    } else {
      console.log(`[bff] ${r.name}: no known vulnerabilities`);
      passed++;
    }
  }
  return { passed, failed, skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { failed } = await audit();
  process.exit(failed ? 1 : 0);
}
