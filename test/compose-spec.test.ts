// Every compose file dusty writes must be a Compose Specification file: `docker compose` v2 rejects
// anything else. The fixtures' expected compose files are checked against the vendored schema.
import { expect, test } from "bun:test";
import Ajv from "ajv";
import draft07 from "ajv/dist/refs/json-schema-draft-07.json";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { run } from "../platform/run.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const schema = JSON.parse(readFileSync(join(import.meta.dir, "compose-spec", "compose-spec.json"), "utf8"));
// strict: false, because the schema uses keywords ajv does not define (`deprecated`). The schema names
// draft-07 by its https address, which ajv knows only as http://…#: register it under that name too.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
const validate = ajv.compile(schema);

const files = readdirSync(FIXTURES)
  .map((name) => join(FIXTURES, name, "expected", "docker-compose.yml"))
  .filter((file) => existsSync(file));

test("there are fixture compose files to check", () => {
  expect(files.length).toBeGreaterThanOrEqual(10);
});

for (const file of files) {
  test(`${file.slice(FIXTURES.length + 1)} is valid against the Compose Specification schema`, () => {
    validate(parse(readFileSync(file, "utf8")));
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
  });
}

// The schema cannot say this: compose refuses a link or dependency on a service the file does not define.
for (const file of files) {
  test(`${file.slice(FIXTURES.length + 1)} links and depends only on services it defines`, () => {
    const services = (parse(readFileSync(file, "utf8")) as { services: Record<string, Record<string, unknown>> }).services;
    const dangling: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      const links = Array.isArray(service.links) ? service.links.map((l) => String(l).split(":")[0]) : [];
      const dependsOn = Array.isArray(service.depends_on) ? service.depends_on.map(String) : Object.keys(service.depends_on ?? {});
      const mode = typeof service.network_mode === "string" && service.network_mode.startsWith("service:") ? [service.network_mode.slice(8)] : [];
      for (const target of [...links, ...dependsOn, ...mode]) if (!Object.hasOwn(services, target ?? "")) dangling.push(`${name} → ${target}`);
    }
    expect(dangling).toEqual([]);
  });
}

// The real reader too: `docker compose config` checks the schema and the references between services.
const hasComposeV2 = Bun.spawnSync(["docker", "compose", "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
test.skipIf(!hasComposeV2)("every fixture's compose file passes `docker compose config`", async () => {
  const refused: string[] = [];
  for (const file of files) {
    const result = await run(["docker", "compose", "-p", "dusty-compose-spec-test", "-f", file, "config", "--quiet"]);
    if (result.exitCode !== 0) refused.push(`${file.slice(FIXTURES.length + 1)}: ${result.stderr.trim()}`);
  }
  expect(refused).toEqual([]);
});

test("the schema check fails on a v1 key, so it can catch one", () => {
  expect(validate({ services: { web: { image: "x", net: "container:db" } } })).toBe(false);
  expect(validate({ services: { web: { image: "x", network_mode: "service:db" } } })).toBe(true);
});
