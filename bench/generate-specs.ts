// Writes a large, valid, deterministic specs repo for benchmarks: 1,000 apps, 300 libs, 200 services
// and 50 bundles that together activate every app. Usage: bun bench/generate-specs.ts DIR [APPS LIBS SERVICES BUNDLES]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

/** Writes the repo and returns the bundle names. */
export function generateSpecs(dir: string, counts = { apps: 1000, libs: 300, services: 200, bundles: 50 }): string[] {
  for (const kind of ["apps", "libs", "services", "bundles"]) mkdirSync(join(dir, kind), { recursive: true });
  const pad = (n: number) => String(n).padStart(4, "0");
  const write = (kind: string, name: string, spec: unknown) => writeFileSync(join(dir, kind, `${name}.yml`), stringify(spec));

  for (let i = 0; i < counts.libs; i++) {
    // Each lib depends on up to two lower-numbered libs, so chains are deep but acyclic.
    const deps = [i - 1, i - 7].filter((d) => d >= 0 && i % 3 !== 0).map((d) => `lib-${pad(d)}`);
    write("libs", `lib-${pad(i)}`, { repo: `/srv/repos/lib-${pad(i)}`, mount: `/libs/lib-${pad(i)}`, install: [`echo installing lib ${i}`], depends: { libs: deps } });
  }
  for (let i = 0; i < counts.services; i++) {
    write("services", `svc-${pad(i)}`, { image: "busybox:latest", command: `sh -c 'sleep ${i}'`, environment: { INDEX: String(i) } });
  }
  for (let i = 0; i < counts.apps; i++) {
    const name = `app-${pad(i)}`;
    write("apps", name, {
      repo: `https://github.com/example/${name}.git`,
      mount: `/app`,
      image: "busybox:latest",
      depends: {
        apps: i % 10 === 0 || i < 10 ? [] : [`app-${pad(i - 10)}`],
        libs: [`lib-${pad(i % counts.libs)}`, `lib-${pad((i * 7) % counts.libs)}`],
        services: [`svc-${pad(i % counts.services)}`],
      },
      host_forwarding: [{ host_name: `${name}.local`, host_port: 80, container_port: 8000 }],
      commands: { once: [`echo first run of ${name}`], always: [`httpd -f -p 8000`] },
      scripts: [{ name: "hello", description: "Say hello", command: ["echo hello"] }],
      compose: { environment: { APP: name } },
    });
  }
  const bundles: string[] = [];
  const perBundle = Math.ceil(counts.apps / counts.bundles);
  for (let b = 0; b < counts.bundles; b++) {
    const apps = Array.from({ length: perBundle }, (_, k) => b * perBundle + k).filter((i) => i < counts.apps).map((i) => `app-${pad(i)}`);
    write("bundles", `bundle-${pad(b)}`, { description: `Bundle ${b}`, apps, services: [`svc-${pad(b % counts.services)}`] });
    bundles.push(`bundle-${pad(b)}`);
  }
  return bundles;
}

if (import.meta.main) {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir) throw new Error("usage: bun bench/generate-specs.ts DIR [APPS LIBS SERVICES BUNDLES]");
  const [apps = 1000, libs = 300, services = 200, bundles = 50] = rest.map(Number);
  generateSpecs(dir, { apps, libs, services, bundles });
}
