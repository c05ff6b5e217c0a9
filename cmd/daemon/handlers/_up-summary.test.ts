import { expect, test } from "bun:test";
import type { PortPlan } from "../../../core/ports.ts";
import { renderUpSummary } from "./_up-summary.ts";

const PLAN: PortPlan = {
  apps: { web: [{ containerPort: 8000, publishedPort: 65001 }], api: [{ containerPort: 9000, publishedPort: 65000 }, { containerPort: 7001, publishedPort: 65002 }], worker: [] },
  routes: [
    { app: "api", hostName: "local.api.com", hostPort: 8080, containerPort: 9000, publishedPort: 65000, type: "http" },
    { app: "web", hostName: "local.web.com", hostPort: 80, containerPort: 8000, publishedPort: 65001, type: "http" },
    { app: "api", hostName: "local.api.com", hostPort: 7001, containerPort: 7001, publishedPort: 65002, type: "stream" },
  ],
  hosts: [],
};

test("renderUpSummary() lists each app with http URLs (no :80), stream addresses and direct ports", () => {
  expect(renderUpSummary(PLAN, { bindAddress: "127.0.0.1", heading: "Started!" })).toBe(
    [
      "Started!",
      "App     URLs                                           Direct ports",
      "------  ---------------------------------------------  ------------------------------------------------",
      "api     http://local.api.com:8080, local.api.com:7001  127.0.0.1:65000 -> 9000, 127.0.0.1:65002 -> 7001",
      "web     http://local.web.com                           127.0.0.1:65001 -> 8000",
      "worker  -                                              -",
    ].join("\n"),
  );
});

test("renderUpSummary() brackets an IPv6 bind address and says when no app is active", () => {
  expect(renderUpSummary({ ...PLAN, apps: { web: PLAN.apps.web! } }, { bindAddress: "::1", heading: "h" })).toContain("[::1]:65001 -> 8000");
  expect(renderUpSummary({ apps: {}, routes: [], hosts: [] }, { bindAddress: "127.0.0.1", heading: "h" })).toBe("h\nNo app is active: the active bundles start services only.");
});
