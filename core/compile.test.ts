import { expect, test } from "bun:test";
import { compileEnvironment, defaultCompileOptions } from "./compile.ts";
import { specsFromRaw } from "./compile-test-helpers.ts";
import { HOSTS_BEGIN_MARKER } from "./hosts.ts";

const RAW = {
  apps: {
    web: {
      image: "web:1",
      repo: "/code/web",
      mount: "/web",
      host_forwarding: [{ host_name: "local.web.com", host_port: 80, container_port: 3000 }],
      commands: { always: ["./serve"] },
      test: { suites: [{ name: "unit", command: ["./test"] }] },
      depends: { libs: ["util"] },
    },
    quiet: { image: "q:1" },
  },
  libs: { util: { repo: "/code/util", mount: "/util", test: { once: ["make deps"] } } },
  bundles: { site: { apps: ["web", "quiet"] } },
};

test("defaultCompileOptions() describes a native Linux install with nothing active", () => {
  expect(defaultCompileOptions()).toEqual({
    bundles: [],
    hostAddress: "127.0.0.1",
    bindAddress: "127.0.0.1",
    portBase: 65000,
    paths: {
      reposDir: "/var/lib/dusty/repos",
      commandFilesDir: "/etc/dusty/commands",
      cpDir: "/var/lib/dusty/cp",
      assetsDir: "/var/lib/dusty/assets",
      nginxDir: "/var/lib/dusty/nginx",
    },
    nginxImage: "nginx:1.27-alpine",
    repoPaths: {},
    envOverrides: {},
  });
  // A fresh object each time: callers may change theirs.
  expect(defaultCompileOptions()).not.toBe(defaultCompileOptions());
});

test("compileEnvironment() joins every artifact of the active bundles", () => {
  const compiled = compileEnvironment(specsFromRaw(RAW), { ...defaultCompileOptions(), bundles: ["site"], hostAddress: "127.0.0.9" });
  expect(compiled.hosts).toBe(`${HOSTS_BEGIN_MARKER}\n127.0.0.9 local.web.com\n# END section for Dusty\n`);
  expect(compiled.nginx).toContain("set $dusty_upstream web:3000;");
  expect(Object.keys(compiled.compose.services)).toEqual(["dustyInternalNginx", "quiet", "web"]);
  expect(compiled.composeYaml).toContain("      - 127.0.0.1:65000:3000\n");
  expect(compiled.ports.routes).toHaveLength(1);
  // Test files only for what has suites: web has, its lib util has test.once but no suite.
  expect(Object.keys(compiled.commandFiles)).toEqual([
    "quiet/dusty_command_file_quiet.sh",
    "web/dusty_command_file_web.sh",
    "web/test/dusty_command_file_web.sh",
    "web/test/dusty_command_file_web_test_unit.sh",
  ]);
});

test("compileEnvironment() with nothing forwarded gives an empty hosts section, so the section is removed", () => {
  const compiled = compileEnvironment(specsFromRaw(RAW), defaultCompileOptions());
  expect(compiled.hosts).toBe("");
  expect(Object.keys(compiled.compose.services)).toEqual(["dustyInternalNginx"]);
  expect(compiled.commandFiles).toEqual({});
});

test("compileEnvironment() is deterministic: the same input gives byte-identical output", () => {
  const options = { ...defaultCompileOptions(), bundles: ["site"] };
  const a = compileEnvironment(specsFromRaw(RAW), options);
  const b = compileEnvironment(specsFromRaw(RAW), { ...options, bundles: ["site", "site"] });
  expect(JSON.stringify(b)).toBe(JSON.stringify(a));
});
