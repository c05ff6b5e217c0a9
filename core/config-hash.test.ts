// The `dusty.config-hash` label: compose recreates exactly the containers whose hidden config changed.
import { describe, expect, test } from "bun:test";
import { compileEnvironment, defaultCompileOptions } from "./compile.ts";
import { specsFromRaw, type RawSpecs } from "./compile-test-helpers.ts";
import { CONFIG_HASH_LABEL, NGINX_SERVICE } from "./compose.ts";

const RAW: RawSpecs = {
  apps: {
    web: {
      image: "web:1",
      commands: { always: ["httpd -f"] },
      scripts: [{ name: "check", command: ["wget -qO- localhost"] }],
      host_forwarding: [{ host_name: "local.web.com", host_port: 80, container_port: 8000 }],
    },
    api: { image: "api:1", commands: { always: ["serve"] }, compose: { labels: ["team=api", `${CONFIG_HASH_LABEL}=forged`] } },
  },
  services: { db: { image: "db:1", labels: { tier: "data" } } },
  bundles: { all: { apps: ["web", "api"], services: ["db"] } },
};

function labelsOf(raw: RawSpecs): Record<string, unknown> {
  const compose = compileEnvironment(specsFromRaw(raw), { ...defaultCompileOptions(), bundles: ["all"] }).compose;
  return Object.fromEntries(Object.entries(compose.services).map(([name, service]) => [name, service.labels]));
}

function withApp(name: string, change: Record<string, unknown>): RawSpecs {
  return { ...RAW, apps: { ...RAW.apps, [name]: { ...(RAW.apps?.[name] as object), ...change } } };
}

describe("compileEnvironment() config-hash labels", () => {
  test("compileEnvironment() labels nginx and every app, keeps a list's other labels and replaces a forged one", () => {
    const labels = labelsOf(RAW);
    expect(labels[NGINX_SERVICE]).toEqual({ [CONFIG_HASH_LABEL]: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(labels.web).toEqual({ [CONFIG_HASH_LABEL]: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const api = labels.api as string[];
    expect(api).toHaveLength(2);
    expect(api[0]).toBe("team=api");
    expect(api[1]).toMatch(new RegExp(`^${CONFIG_HASH_LABEL}=[0-9a-f]{16}$`));
    // A service has no config outside its definition: its own labels stay as written.
    expect(labels.db).toEqual({ tier: "data" });
  });

  test("compileEnvironment() changes only the label of the app whose main command file changed", () => {
    const before = labelsOf(RAW);
    const after = labelsOf(withApp("web", { commands: { always: ["httpd -f -v"] } }));
    expect(after.web).not.toEqual(before.web);
    expect(after.api).toEqual(before.api);
    expect(after[NGINX_SERVICE]).toEqual(before[NGINX_SERVICE]);
  });

  test("compileEnvironment() changes nginx's label when a forwarding changes, and ignores script edits", () => {
    const before = labelsOf(RAW);
    const forwarded = labelsOf(withApp("web", { host_forwarding: [{ host_name: "local.web.com", host_port: 8080, container_port: 8000 }] }));
    expect(forwarded[NGINX_SERVICE]).not.toEqual(before[NGINX_SERVICE]);
    const scripted = labelsOf(withApp("web", { scripts: [{ name: "check", command: ["true"] }] }));
    expect(scripted.web).toEqual(before.web);
  });
});
