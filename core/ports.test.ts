import { expect, test } from "bun:test";
import { assembleSpecs } from "./assemble.ts";
import { specsFromRaw } from "./compile-test-helpers.ts";
import { planPorts, rememberPorts, type PortPlanOptions } from "./ports.ts";

const OPTIONS = { hostAddress: "127.0.0.1", portBase: 65000 };

function planFor(apps: Record<string, unknown>, options: PortPlanOptions = OPTIONS) {
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

const WEB = { image: "x", host_forwarding: [{ host_name: "web.local", host_port: 80, container_port: 8000 }] };
const API = { image: "x", host_forwarding: [{ host_name: "api.local", host_port: 80, container_port: 9000 }, { host_name: "api.local", host_port: 7001, container_port: 7001, type: "stream" }] };

test("planPorts() keeps an app's remembered port when an app sorting before it is switched on", () => {
  const alone = planFor({ web: WEB });
  expect(alone.apps.web).toEqual([{ containerPort: 8000, publishedPort: 65000 }]);
  const both = planFor({ api: API, web: WEB }, { ...OPTIONS, previous: rememberPorts({}, alone) });
  // Without the memory api would take 65000 and 65001 and push web to 65002.
  expect(both.apps).toEqual({
    api: [{ containerPort: 9000, publishedPort: 65001 }, { containerPort: 7001, publishedPort: 65002 }],
    web: [{ containerPort: 8000, publishedPort: 65000 }],
  });
  expect(both.routes.map((r) => [r.app, r.publishedPort])).toEqual([["api", 65001], ["api", 65002], ["web", 65000]]);
});

test("planPorts() keeps the ports of apps switched off free for them, and gives them back", () => {
  const both = planFor({ api: API, web: WEB });
  const remembered = rememberPorts({}, both);
  expect(remembered).toEqual({ api: { "9000": 65000, "7001": 65001 }, web: { "8000": 65002 } });
  const webOnly = planFor({ web: WEB }, { ...OPTIONS, previous: remembered });
  expect(webOnly.apps.web).toEqual([{ containerPort: 8000, publishedPort: 65002 }]);
  // api is off, but remembered: a new app does not take its ports.
  const withNew = planFor({ new: { ...WEB, host_forwarding: [{ host_name: "n.local", host_port: 80, container_port: 1 }] }, web: WEB }, { ...OPTIONS, previous: rememberPorts(remembered, webOnly) });
  expect(withNew.apps.new).toEqual([{ containerPort: 1, publishedPort: 65003 }]);
  expect(rememberPorts(remembered, webOnly)).toEqual(remembered);
});

test("planPorts() without memory is the fresh plan; a remembered port claimed twice or below the base is given anew", () => {
  expect(planFor({ api: API, web: WEB }, { ...OPTIONS, previous: {} })).toEqual(planFor({ api: API, web: WEB }));
  const clash = planFor({ api: API, web: WEB }, { ...OPTIONS, previous: { api: { "9000": 65005 }, web: { "8000": 65005 } } });
  expect(clash.apps).toEqual({
    api: [{ containerPort: 9000, publishedPort: 65005 }, { containerPort: 7001, publishedPort: 65000 }],
    web: [{ containerPort: 8000, publishedPort: 65001 }],
  });
  const raised = planFor({ web: WEB }, { ...OPTIONS, previous: { web: { "8000": 64000 } } });
  expect(raised.apps.web).toEqual([{ containerPort: 8000, publishedPort: 65000 }]);
});
