import { expect, test } from "bun:test";
import { formatDiagnostic, sortDiagnostics } from "./diagnostics.ts";
import { loadSpecs, type SpecFile } from "./load.ts";
import { validateSpecs } from "./validate.ts";

function validate(files: Record<string, string>): string[] {
  const specFiles: SpecFile[] = Object.entries(files).map(([path, text]) => ({ path, text }));
  return sortDiagnostics(validateSpecs(loadSpecs(specFiles))).map(formatDiagnostic);
}

test("validateSpecs() accepts a consistent repo", () => {
  expect(
    validate({
      "apps/web.yml": "image: web\ndepends: {apps: [api], libs: [common], services: [db]}\nconditional_links: {apps: [api]}\n",
      "apps/api.yml": "image: api\nhost_forwarding:\n  - {host_name: api.local, host_port: 80, container_port: 80}\n  - {host_name: api.local, host_port: 81, container_port: 81}\n",
      "libs/common.yml": "repo: /r\nmount: /m\n",
      "services/db.yml": "image: postgres\n",
      "bundles/main.yml": "apps: [web]\nservices: [db]\n",
    }),
  ).toEqual([]);
});

test("validateSpecs() reports missing references at their list item, with a suggestion", () => {
  expect(validate({ "apps/web.yml": "image: web\n", "bundles/site.yml": "description: x\napps:\n  - wbe\n  - frontend\n" })).toEqual([
    'bundles/site.yml:3:5: apps[0]: no app named "wbe" (did you mean "web"?)',
    'bundles/site.yml:4:5: apps[1]: no app named "frontend"',
  ]);
});

test("validateSpecs() does not call a spec missing when its file exists but failed to load", () => {
  expect(validate({ "apps/web.yml": "image: web\nbuild: .\n", "bundles/site.yml": "apps: [web]\n" })).toEqual([]);
});

test("validateSpecs() requires a bundle and reports names shared across kinds", () => {
  expect(validate({ "apps/x.yml": "image: x\n", "services/x.yml": "image: x\n", "libs/x.yml": "repo: /r\nmount: /m\n" })).toEqual([
    'apps/x.yml: app "x" has the same name as lib "x"',
    'apps/x.yml: app "x" has the same name as service "x"',
    "bundles/: no bundles found: add at least one bundles/<name>.yml",
    'libs/x.yml: lib "x" has the same name as service "x"',
  ]);
});

test("validateSpecs() reports a cycle through conditional links at the first app's edge", () => {
  expect(
    validate({
      "apps/b.yml": "image: b\ndepends:\n  apps: [a]\n",
      "apps/a.yml": "image: a\ndepends:\n  apps: []\nconditional_links:\n  apps: [c, b]\n",
      "apps/c.yml": "image: c\n",
      "bundles/main.yml": "apps: [a]\n",
    }),
  ).toEqual(["apps/a.yml:5:13: conditional_links.apps[1]: dependency cycle: a -> b -> a"]);
});

test("validateSpecs() reports colliding forwardings at the later one, naming the earlier", () => {
  const forward = (host: string, port: number, container: number, type = "http") =>
    `  - {host_name: ${host}, host_port: ${port}, container_port: ${container}, type: ${type}}\n`;
  expect(
    validate({
      "apps/site.yml": `image: s\nhost_forwarding:\n${forward("local.web.com", 80, 80)}`,
      "apps/web.yml": `image: w\nhost_forwarding:\n${forward("local.web.com", 80, 8000)}${forward("web", 81, 8000)}${forward("web", 81, 9000)}`,
      "apps/db.yml": `image: d\nhost_forwarding:\n${forward("db", 5432, 5432, "stream")}`,
      "apps/dbb.yml": `image: d\nhost_forwarding:\n${forward("other", 5432, 80)}`,
      "apps/tcp.yml": `image: t\nhost_forwarding:\n${forward("tcp", 80, 7, "stream")}`,
      "bundles/main.yml": "apps: [site]\n",
    }),
  ).toEqual([
    'apps/dbb.yml:3:35: host_forwarding[0].host_port: host port 5432 is already taken by a stream forwarding of app "db"',
    'apps/tcp.yml:3:33: host_forwarding[0].host_port: host port 80 is already used by app "site": a stream forwarding needs a port of its own',
    'apps/web.yml:3:5: host_forwarding[0]: local.web.com:80 is already forwarded by app "site"',
    "apps/web.yml:5:5: host_forwarding[2]: web:81 is already forwarded by host_forwarding[1]",
  ]);
});
