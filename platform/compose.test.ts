import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IDLE_COMMAND, TEST_CONTAINER_LABEL } from "../test/docker/containers.ts";
import { composeRunner, detectCompose, type ComposePreference } from "./compose.ts";
import { composeProjectContainers, removeContainers } from "./docker.ts";
import { CommandNotFoundError, run, runChecked } from "./run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "./test-images.ts";

// Which Compose versions this machine has decides which tests run; v1 is always expected here.
const HAS_V2 = Bun.spawnSync(["docker", "compose", "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
const PREFERENCES: ComposePreference[] = HAS_V2 ? ["docker-compose", "docker compose"] : ["docker-compose"];
const EMPTY_PATH = { PATH: mkdtempSync(join(tmpdir(), "dusty-empty-path-")) };
const dir = mkdtempSync(join(tmpdir(), "dusty-compose-"));
const projects: string[] = [];

beforeAll(() => ensureTestImages());

// `down` normally cleans up; this catches what a failed test left behind, by project label and name.
afterAll(async () => {
  for (const project of projects) {
    await removeContainers((await composeProjectContainers(project)).map((c) => c.id));
    await run(["docker", "network", "rm", `${project}_default`]);
  }
});

describe("detectCompose()", () => {
  test("detectCompose() with docker-compose finds the v1 program", async () => {
    const runner = await detectCompose("docker-compose");
    expect(runner.kind).toBe("v1");
    expect(runner.version).toMatch(/^1\.\d+\.\d+/);
    expect(runner.command).toEqual(["docker-compose"]);
  });

  test("detectCompose() with auto prefers the v2 plugin when it answers", async () => {
    const runner = await detectCompose("auto");
    expect(runner.kind).toBe(HAS_V2 ? "v2" : "v1");
    expect(runner.command).toEqual(HAS_V2 ? ["docker", "compose"] : ["docker-compose"]);
  });

  test.if(HAS_V2)("detectCompose() with docker compose finds the v2 plugin", async () => {
    const runner = await detectCompose("docker compose");
    expect(runner.kind).toBe("v2");
    expect(runner.version).toMatch(/^2\.\d+\.\d+/);
  });

  test("detectCompose() throws CommandNotFoundError with a fix when no Compose is installed", async () => {
    const auto = await detectCompose("auto", { env: EMPTY_PATH }).catch((e) => e);
    expect(auto).toBeInstanceOf(CommandNotFoundError);
    expect(auto.message).toBe(
      'Cannot run "docker-compose": neither `docker compose` (v2) nor `docker-compose` (v1) is installed. ' +
        "Install Docker Compose (on Debian: `bash scripts/ensure-docker.sh`), or set compose_command",
    );
    const v1 = await detectCompose("docker-compose", { env: EMPTY_PATH }).catch((e) => e);
    expect(v1.message).toBe('Cannot run "docker-compose": not found on PATH. Install Docker Compose, or set compose_command');
    const v2 = await detectCompose("docker compose", { env: EMPTY_PATH }).catch((e) => e);
    expect(v2).toBeInstanceOf(CommandNotFoundError);
    expect(v2.message).toStartWith('Cannot run "docker": not found on PATH.');
  });
});

test("composeRunner() builds command lines for both kinds and tells them apart by version", () => {
  const v1 = composeRunner(["docker-compose"], "1.29.2");
  expect(v1.kind).toBe("v1");
  expect(v1.argv("/c/docker-compose.yml", "dusty", "up", "-d")).toEqual([
    "docker-compose", "--file", "/c/docker-compose.yml", "--project-name", "dusty", "up", "-d",
  ]);
  const v2 = composeRunner(["docker-compose"], "2.26.1-4");
  expect(v2.kind).toBe("v2");
  expect(composeRunner(["docker", "compose"], "2.26.1").argv("f.yml", "p", "ps")).toEqual(["docker", "compose", "--file", "f.yml", "--project-name", "p", "ps"]);
});

describe.each(PREFERENCES)("Compose through %s", (preference) => {
  const project = `dustytest${preference === "docker compose" ? "v2" : "v1"}${process.pid}`;
  projects.push(project);
  const file = join(dir, `${project}.yml`);
  // Compose Specification format: top-level `services:` only, no `version:`.
  writeFileSync(
    file,
    [
      "services:",
      "  sleeper:",
      `    image: ${BUSYBOX_IMAGE}`,
      `    command: ${JSON.stringify(IDLE_COMMAND)}`,
      "    labels:",
      `      ${TEST_CONTAINER_LABEL}: ${project}`,
      "",
    ].join("\n"),
  );

  test("up -d starts the service, labelled with project and service, and down removes it", async () => {
    const runner = await detectCompose(preference);
    const lines: string[] = [];
    await runChecked(runner.argv(file, project, "up", "-d"), { onLine: (line) => lines.push(line) });
    expect(lines.join("\n")).toContain("sleeper");

    const [container, ...others] = await composeProjectContainers(project);
    expect(others).toEqual([]);
    expect(container).toMatchObject({ running: true, composeProject: project, composeService: "sleeper", image: BUSYBOX_IMAGE });
    expect(container!.name).toBe(runner.kind === "v1" ? `${project}_sleeper_1` : `${project}-sleeper-1`);
    expect(container!.labels[TEST_CONTAINER_LABEL]).toBe(project);

    const ps = await runChecked(runner.argv(file, project, "ps", "--quiet"));
    expect(ps.stdout.trim()).toBe(container!.id);

    await runChecked(runner.argv(file, project, "down", "--timeout", "1"));
    expect(await composeProjectContainers(project)).toEqual([]);
    expect((await run(["docker", "network", "inspect", `${project}_default`])).exitCode).not.toBe(0);
  });
});
