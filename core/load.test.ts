import { expect, test } from "bun:test";
import { formatDiagnostic, sortDiagnostics } from "./diagnostics.ts";
import { loadSpecs, type SpecFile } from "./load.ts";

const BUNDLE: SpecFile = { path: "bundles/main.yml", text: "apps: [web]\n" };

function lines(files: SpecFile[]): string[] {
  return sortDiagnostics(loadSpecs(files).diagnostics).map(formatDiagnostic);
}

test("loadSpecs() points unknown keys at the key and wrong values at the value", () => {
  const text = "image: web\nhost_forwarding:\n  - host_name: a\n    host_port: 80a\n    container_port: 80\n    extra: 1\nfoo: 1\nbar: 2\n";
  expect(lines([{ path: "apps/web.yml", text }])).toEqual([
    'apps/web.yml:4:16: host_forwarding[0].host_port: expected a number, got "80a"',
    "apps/web.yml:6:5: host_forwarding[0].extra: unknown key",
    "apps/web.yml:7:1: foo: unknown key",
    "apps/web.yml:8:1: bar: unknown key",
  ]);
});

test("loadSpecs() applies defaults where keys are absent or null", () => {
  const loaded = loadSpecs([{ path: "apps/web.yml", text: "image: web\ndepends:\n  apps:\ntest:\ncommands: ~\n" }, BUNDLE]);
  expect(loaded.diagnostics).toEqual([]);
  const web = loaded.specs.apps.web!;
  expect(web.depends).toEqual({ apps: [], libs: [], services: [] });
  expect(web.commands).toEqual({ always: [], once: [] });
  expect(web.test).toEqual({ image_requires_login: false, once: [], suites: [] });
  expect(web.repo).toBe("");
  expect(loaded.specs.bundles.main).toEqual({ description: "", apps: ["web"], services: [] });
});

test("loadSpecs() leaves a spec with errors out of specs but keeps its source", () => {
  const loaded = loadSpecs([{ path: "apps/web.yml", text: "image: web\nbuild: .\n" }, { path: "apps/api.yml", text: "image: api\n" }]);
  expect(Object.keys(loaded.specs.apps)).toEqual(["api"]);
  expect(Object.keys(loaded.sources)).toEqual(["apps/api", "apps/web"]);
  expect(lines([{ path: "apps/web.yml", text: "image: web\nbuild: .\n" }])).toEqual(["apps/web.yml:2:1: build: only one of image and build is allowed"]);
});

test("loadSpecs() keeps a spec whose only problems are warnings", () => {
  const loaded = loadSpecs([{ path: "services/db.yml", text: "image: postgres\nenviroment: {}\n" }]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
    'services/db.yml:2:1: warning: enviroment: unknown docker-compose key (did you mean "environment"?)',
  ]);
  expect(loaded.specs.services.db).toEqual({ image: "postgres", enviroment: {} });
});

test("loadSpecs() warns about unknown compose keys of apps and lib test suites, not x- extensions", () => {
  const app = "image: web\ncompose:\n  x-note: 1\n  volume: []\ntest:\n  suites:\n    - name: unit\n      command: [t]\n      compose: {netwrks: []}\n";
  const lib = "repo: /r\nmount: /m\ntest:\n  suites:\n    - {name: unit, command: [t], compose: {labls: {}}}\n";
  expect(lines([{ path: "apps/web.yml", text: app }, { path: "libs/l.yml", text: lib }])).toEqual([
    'apps/web.yml:4:3: warning: compose.volume: unknown docker-compose key (did you mean "volumes"?)',
    'apps/web.yml:9:17: warning: test.suites[0].compose.netwrks: unknown docker-compose key (did you mean "networks"?)',
    'libs/l.yml:5:44: warning: test.suites[0].compose.labls: unknown docker-compose key (did you mean "labels"?)',
  ]);
});

test("loadSpecs() warns that an app's own compose entrypoint is ignored, unless it is already []", () => {
  expect(lines([{ path: "apps/web.yml", text: "image: web\ncompose:\n  entrypoint: [/init]\n" }, { path: "apps/api.yml", text: "image: api\ncompose: {entrypoint: []}\n" }])).toEqual([
    "apps/web.yml:3:3: warning: compose.entrypoint: ignored: apps run their command file with `entrypoint: []`; put what the entrypoint does in commands.always",
  ]);
});

test("loadSpecs() takes a lib with mount \"\" and an app without commands, as Dusty did, and refuses a service of {}", () => {
  const files = [
    { path: "libs/l.yml", text: "repo: /r\nmount: ''\n" },
    { path: "apps/a.yml", text: "image: a\n" },
    { path: "services/s.yml", text: "{}\n" },
  ];
  const loaded = loadSpecs(files);
  expect(Object.keys(loaded.specs.libs)).toEqual(["l"]);
  expect(loaded.specs.apps.a?.commands).toEqual({ always: [], once: [] });
  expect(Object.keys(loaded.specs.services)).toEqual([]);
  expect(lines(files)).toEqual([
    "libs/l.yml:2:8: warning: mount: empty: this lib's repo is mounted in no container, and its install commands run in $HOME",
    "services/s.yml:1:1: needs image or build: docker-compose cannot create a service without one",
  ]);
});

test("loadSpecs() warns that volume_driver is left out of the compose file, in an app's compose and a service", () => {
  expect(lines([{ path: "apps/web.yml", text: "image: web\ncompose:\n  volume_driver: local\n" }, { path: "services/db.yml", text: "image: db\nvolume_driver: local\n" }])).toEqual([
    "apps/web.yml:3:3: warning: compose.volume_driver: ignored: the Compose Specification has no volume_driver; give the driver to a named volume instead",
    "services/db.yml:2:1: warning: volume_driver: ignored: the Compose Specification has no volume_driver; give the driver to a named volume instead",
  ]);
});

test("loadSpecs() sorts each record of specs and sources by name", () => {
  const loaded = loadSpecs(["zeta", "alpha", "mid"].map((name) => ({ path: `apps/${name}.yml`, text: "image: x\n" })));
  expect(Object.keys(loaded.specs.apps)).toEqual(["alpha", "mid", "zeta"]);
  expect(Object.keys(loaded.sources)).toEqual(["apps/alpha", "apps/mid", "apps/zeta"]);
});

test("loadSpecs() skips files that are not <kind>/<name>.yml", () => {
  const loaded = loadSpecs([
    { path: "apps/web.yaml", text: "x" },
    { path: "README.yml", text: "x" },
    { path: "other/web.yml", text: "x" },
  ]);
  expect(loaded).toEqual({ specs: { apps: {}, libs: {}, services: {}, bundles: {} }, sources: {}, diagnostics: [] });
});

test("loadSpecs() rejects names that would escape their folder, with no source", () => {
  const loaded = loadSpecs([
    { path: "apps/sub/web.yml", text: "image: x\n" },
    { path: "apps/../etc.yml", text: "image: x\n" },
    { path: "services/a\\b.yml", text: "image: x\n" },
  ]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
    'apps/sub/web.yml: app name "sub/web" is not allowed: spec files sit directly in apps/, not in subfolders',
    'apps/../etc.yml: app name "../etc" is not allowed: spec files sit directly in apps/, not in subfolders',
    'services/a\\b.yml: service name "a\\b" is not allowed: spec files sit directly in services/, not in subfolders',
  ]);
  expect(loaded.sources).toEqual({});
  expect(loaded.specs.apps).toEqual({});
});

test("loadSpecs() reports a file given twice once", () => {
  const file = { path: "apps/web.yml", text: "image: x\n" };
  expect(loadSpecs([file, file]).diagnostics.map(formatDiagnostic)).toEqual([
    "apps/web.yml: this spec file is given twice: only the first one counts",
  ]);
});

test("loadSpecs() finds merged keys and aliased values where they are written", () => {
  const text = "x-base: &base\n  host_port: 80a\n  container_port: 80\nimage: web\nhost_forwarding:\n  - <<: *base\n    host_name: a\n";
  expect(lines([{ path: "apps/web.yml", text }])).toEqual([
    "apps/web.yml:1:1: x-base: unknown key",
    'apps/web.yml:2:14: host_forwarding[0].host_port: expected a number, got "80a"',
  ]);
});

test("SpecSource.locate() points at the key of an empty value and at the parent of a missing key", () => {
  const source = loadSpecs([{ path: "apps/web.yml", text: "image: web\ndepends:\nscripts:\n  - name: a\n" }]).sources["apps/web"]!;
  expect(source.locate(["depends"])).toEqual({ line: 2, col: 1 });
  expect(source.locate(["scripts", 0, "command"])).toEqual({ line: 4, col: 5 });
  expect(source.locate(["scripts", 0, "name"], "key")).toEqual({ line: 4, col: 5 });
  expect(source.locate(["scripts", 0, "name"])).toEqual({ line: 4, col: 11 });
  expect(source.locate(["nothing", "here"])).toEqual({ line: 1, col: 1 });
});

test("loadSpecs() rejects asset names that are not plain file names, and takes paths relative to the mount as Dusty did", () => {
  const text = "image: x\nassets:\n  - name: ../secret\n    path: /etc/secret\n  - name: KEY\n    path: relative/key\n  - name: UP\n    path: ../up\n  - name: NL\n    path: \"a\\nb\"\n  - name: EMPTY\n    path: ''\n  - name: DASH\n    path: -rf\n";
  const { diagnostics } = loadSpecs([{ path: "apps/web.yml", text }]);
  expect(diagnostics.map((d) => `${d.line}:${d.keyPath}`)).toEqual(["3:assets[0].name", "10:assets[3].path", "12:assets[4].path", "14:assets[5].path"]);
});
