import { expect, test } from "bun:test";
import { halfMadeContainers } from "./_up-leftovers.ts";
import type { ProjectContainer } from "../../../platform/project-containers.ts";

const container = (name: string, state: string): ProjectContainer => ({ id: `id-${name}`, name, service: "api", state, running: state === "running", composeHash: "", image: "", status: "", ports: "" });

test("halfMadeContainers() picks containers never started and stopped ones under compose's temporary name", () => {
  const containers = [
    container("dusty-api-1", "running"),
    container("dusty-web-1", "created"),
    container("4dcca3b13af4_dusty-api-1", "created"),
    container("4dcca3b13af4_dusty_api_1", "exited"), // Compose v1 renames the old container, stopped
    container("dusty-cache-1", "exited"), // a service that exited by itself is the user's to see
    container("abcdef_dusty-api-1", "exited"), // not compose's 12-hex prefix
    container("4dcca3b13af4_dusty-web-1", "running"),
  ];
  expect(halfMadeContainers(containers).map((c) => c.name)).toEqual(["dusty-web-1", "4dcca3b13af4_dusty-api-1", "4dcca3b13af4_dusty_api_1"]);
});
