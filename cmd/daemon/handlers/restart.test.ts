import { expect, test } from "bun:test";
import { assembleSpecs } from "../../../core/assemble.ts";
import { specsFromRaw } from "../../../core/compile-test-helpers.ts";
import { linksOf, orderByLinks } from "./restart.ts";

const ASSEMBLED = assembleSpecs(
  specsFromRaw({
    apps: {
      web: { image: "x", depends: { apps: ["api"] }, conditional_links: { apps: ["admin"], services: ["mail"] } },
      api: { image: "x", depends: { services: ["db"] } },
      admin: { image: "x" },
    },
    services: { db: { image: "db", links: ["cache:c"] }, cache: { image: "c", depends_on: { queue: { condition: "service_started" } } }, queue: { image: "q" } },
    bundles: { site: { apps: ["web"], services: ["cache", "queue"] } },
  }),
  ["site"],
);

test("linksOf() gives an app's depends and only its active conditional links, and a service's links and depends_on", () => {
  expect(linksOf("web", ASSEMBLED)).toEqual(["api"]); // admin and mail are not active
  expect(linksOf("api", ASSEMBLED)).toEqual(["db"]);
  expect(linksOf("db", ASSEMBLED)).toEqual(["cache"]);
  expect(linksOf("cache", ASSEMBLED)).toEqual(["queue"]);
  expect(linksOf("nginx", ASSEMBLED)).toEqual([]);
});

test("orderByLinks() puts what each target links to before it, keeping targets only", () => {
  expect(orderByLinks(["web", "api", "db", "cache", "queue"], ASSEMBLED)).toEqual(["queue", "cache", "db", "api", "web"]);
  expect(orderByLinks(["web", "db"], ASSEMBLED)).toEqual(["web", "db"]);
});
