import { describe, expect, test } from "bun:test";
import { specsFromRaw } from "./compile-test-helpers.ts";
import { renderComposeYaml } from "./compose-yaml.ts";
import type { TestSuite } from "./specs.ts";
import { escapeInterpolation, planSuiteCompose, type SuiteComposeOptions } from "./test-plan-compose.ts";

const specs = specsFromRaw({
  apps: {
    web: {
      test: {
        image: "busybox",
        suites: [
          { name: "plain", command: ["true"], compose: { environment: { A: "1" }, ports: ["80:80"], volumes: ["/data:/data"] } },
          { name: "db", command: ["true"], services: ["postgres", "redis"], compose: { hostname: "x", labels: ["team=web"] } },
          { name: "ghost", command: ["true"], services: ["nope"] },
          { name: "v1", command: ["true"], compose: { net: "host", log_driver: "none" } },
        ],
      },
    },
  },
  services: {
    postgres: { image: "postgres:15", ports: ["5432:5432"], container_name: "pg", hostname: "db", environment: { POSTGRES_PASSWORD: "x" } },
    redis: { image: "redis:7", expose: ["6379"], networks: ["back"], labels: { tier: "cache" } },
  },
});

const suite = (name: string): TestSuite => specs.apps.web!.test.suites.find((s) => s.name === name)!;
const options = (name: string): SuiteComposeOptions => ({
  name: "web",
  suite: suite(name),
  command: ["sh", "/command_files/dusty_command_file_web_test_x.sh", "$HOME"],
  image: "dusty/test_web:abc",
  mounts: ["/persist/cmd/web/test:/command_files", "/persist/repos/r$x:/r"],
  labels: { "dusty.test-run": "run1" },
});

describe("planSuiteCompose()", () => {
  test("planSuiteCompose() drops a v1 net: as the network_mode it is, and keeps v1 logging in its new form", () => {
    const plan = planSuiteCompose(specs, options("v1"));
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.notes).toEqual(["suite v1's compose: ignored network_mode (a test run reaches its services on localhost)"]);
    expect(plan.file.services.web).toMatchObject({ network_mode: "bridge", logging: { driver: "none" } });
    expect(plan.file.services.web).not.toHaveProperty("net");
  });

  test("planSuiteCompose() without services gives the suite container its own namespace, with the suite's compose applied", () => {
    const plan = planSuiteCompose(specs, options("plain"));
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.services).toEqual([]);
    expect(plan.notes).toEqual(["suite plain's compose: ignored ports (a test run reaches its services on localhost)"]);
    expect(renderComposeYaml(plan.file)).toMatchInlineSnapshot(`
      "services:
        web:
          command:
            - sh
            - /command_files/dusty_command_file_web_test_x.sh
            - $$HOME
          environment:
            A: "1"
          image: dusty/test_web:abc
          init: true
          labels:
            dusty.test-run: run1
          network_mode: bridge
          volumes:
            - /data:/data
            - /persist/cmd/web/test:/command_files
            - /persist/repos/r$$x:/r
      "
    `);
  });

  test("planSuiteCompose() puts every service and the suite into the first service's namespace, dropping what would collide", () => {
    const plan = planSuiteCompose(specs, options("db"));
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.services).toEqual(["postgres", "redis"]);
    const { postgres, redis, web } = plan.file.services;
    expect(postgres).toEqual({
      image: "postgres:15",
      hostname: "db",
      environment: { POSTGRES_PASSWORD: "x" },
      network_mode: "bridge",
      labels: { "dusty.test-run": "run1" },
    });
    expect(redis).toEqual({ image: "redis:7", network_mode: "service:postgres", labels: { tier: "cache", "dusty.test-run": "run1" } });
    expect(web!.network_mode).toBe("service:postgres");
    expect(web!.hostname).toBeUndefined();
    expect(web!.labels).toEqual({ team: "web", "dusty.test-run": "run1" });
    expect(plan.notes).toEqual([
      'service "postgres": ignored ports, container_name (a test run reaches its services on localhost)',
      'service "redis": ignored expose, networks (a test run reaches its services on localhost)',
      "suite db's compose: ignored hostname (a test run reaches its services on localhost)",
    ]);
  });

  test("planSuiteCompose() names the services that have no spec", () => {
    expect(planSuiteCompose(specs, options("ghost"))).toEqual({
      error: 'Suite ghost of web uses "nope", which has no service spec. Known services: postgres, redis',
    });
  });

  test("planSuiteCompose() lets our labels win over a spec's own of the same name", () => {
    const spec = specsFromRaw({ services: { s: { image: "x", labels: { "dusty.test-run": "forged" } } } });
    const plan = planSuiteCompose(spec, { ...options("plain"), suite: { ...suite("plain"), services: ["s"] } });
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.file.services.s!.labels).toEqual({ "dusty.test-run": "run1" });
  });
});

describe("escapeInterpolation()", () => {
  test("escapeInterpolation() doubles every dollar so compose passes it through", () => {
    expect(escapeInterpolation("$A ${B} $$ x")).toBe("$$A $${B} $$$$ x");
    expect(escapeInterpolation("plain")).toBe("plain");
  });
});
