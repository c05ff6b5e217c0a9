import { expect, test } from "bun:test";
import { assembleSpecs } from "./assemble.ts";
import { specsFromRaw } from "./compile-test-helpers.ts";
import { planPorts } from "./ports.ts";

const OPTIONS = { hostAddress: "127.0.0.1", portBase: 65000 };

function planFor(apps: Record<string, unknown>, options = OPTIONS) {
  const specs = specsFromRaw({ apps, bundles: { all: { apps: Object.keys(apps) } } });
  return planPorts(assembleSpecs(specs, ["all"]), options);
}

test("planPorts() numbers forwardings from the base over apps in sorted order (the original's example)", () => {
  const plan = planFor({
    gcweb: { image: "x", host_forwarding: [{ host_name: "local.gc.com", host_port: 80, container_port: 80 }] },
    gcapi: { image: "x", host_forwarding: [{ host_name: "local.api.gc.com", host_port: 8000, container_port: 8001 }] },
  });
  expect(plan.apps).toEqual({ gcapi: [{ containerPort: 8001, publishedPort: 65000 }], gcweb: [{ containerPort: 80, publishedPort: 65001 }] });
  expect(plan.routes.map((r) => [r.app, r.publishedPort])).toEqual([["gcapi", 65000], ["gcweb", 65001]]);
});

test("planPorts() keeps spec order within an app and one hosts entry per host name, first seen first", () => {
  const plan = planFor(
    {
      b: {
        image: "x",
        host_forwarding: [
          { host_name: "z.local", host_port: 80, container_port: 3000 },
          { host_name: "a.local", host_port: 5432, container_port: 5432, type: "stream" },
          { host_name: "z.local", host_port: 8080, container_port: 3001 },
        ],
      },
      a: { image: "x", host_forwarding: [{ host_name: "a.local", host_port: 80, container_port: 9000 }] },
      c: { image: "x" },
    },
    { hostAddress: "10.0.0.5", portBase: 100 },
  );
  expect(plan.routes).toEqual([
    { app: "a", hostName: "a.local", hostPort: 80, containerPort: 9000, publishedPort: 100, type: "http" },
    { app: "b", hostName: "z.local", hostPort: 80, containerPort: 3000, publishedPort: 101, type: "http" },
    { app: "b", hostName: "a.local", hostPort: 5432, containerPort: 5432, publishedPort: 102, type: "stream" },
    { app: "b", hostName: "z.local", hostPort: 8080, containerPort: 3001, publishedPort: 103, type: "http" },
  ]);
  expect(plan.hosts).toEqual([
    { address: "10.0.0.5", hostName: "a.local" },
    { address: "10.0.0.5", hostName: "z.local" },
  ]);
  expect(plan.apps.c).toEqual([]);
});

test("planPorts() publishes a container port once however many forwardings reach it, each still a route", () => {
  const plan = planFor({
    web: {
      image: "x",
      host_forwarding: [
        { host_name: "local.a.com", host_port: 8080, container_port: 80 },
        { host_name: "local.b.com", host_port: 8080, container_port: 80 },
        { host_name: "local.a.com", host_port: 9000, container_port: 9000 },
      ],
    },
  });
  expect(plan.apps.web).toEqual([{ containerPort: 80, publishedPort: 65000 }, { containerPort: 9000, publishedPort: 65001 }]);
  expect(plan.routes.map((r) => [r.hostName, r.hostPort, r.publishedPort])).toEqual([["local.a.com", 8080, 65000], ["local.b.com", 8080, 65000], ["local.a.com", 9000, 65001]]);
});

test("planPorts() of nothing active is empty", () => {
  expect(planFor({})).toEqual({ apps: {}, routes: [], hosts: [] });
});
