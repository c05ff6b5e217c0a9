// End-to-end: every command of the README's "The Docker host on another machine" section runs as written,
// in its order, against a real second Docker host (test/remote-host.ts) and the built-in example. The
// daemon starts on the native driver's config, as before a user follows the section; only what names
// places is replaced: the host's URL, its address, the ssh config file and dusty's folder there.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTestImages, TEST_IMAGES } from "../platform/test-images.ts";
import { ROOT } from "./harness.ts";
import { readmeCommands } from "./readme-commands.ts";
import { fetchByCurl } from "./remote-example.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";
import { exampleRepos, exampleSpecFiles, startTestEnvironment, type ExampleEnvironment } from "./up-example.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const COMMANDS = readmeCommands(README, "The Docker host on another machine");
// The README's placeholders for places, each with what stands for it here.
const PLACES = ["ssh://dev@build.example.com", "10.0.0.5", "/home/dev/.ssh/dusty", "/srv/dusty"];

const root = mkdtempSync(join(tmpdir(), "dusty-readme-remote-"));
let host: RemoteHost;
let env: ExampleEnvironment;
let remotePersistDir: string;

beforeAll(async () => {
  await ensureTestImages();
  host = await startRemoteHost({ hide: [root] });
  for (const image of TEST_IMAGES) await host.loadImage(image);
  remotePersistDir = join(host.remoteRoot, "dusty");
  env = await startTestEnvironment({ compose: "docker compose", specFiles: exampleSpecFiles(), repos: exampleRepos(), bundles: ["everything"], tempRoot: root });
}, 180_000);
afterAll(async () => {
  await env?.cleanup();
  await host?.stop();
  rmSync(root, { recursive: true, force: true });
});

test("the section's commands are read from the README, each place a placeholder this test replaces", () => {
  expect(COMMANDS[0]).toBe("dusty config set docker_host_driver ssh");
  expect(COMMANDS.at(-1)).toBe("dusty up");
  expect(COMMANDS.every((command) => command.startsWith("dusty "))).toBe(true);
  for (const place of PLACES) expect(COMMANDS.filter((command) => command.includes(place))).toHaveLength(1);
});

test("every command of the README's remote section runs as written against a namespace host", async () => {
  const done: string[] = [];
  for (const command of COMMANDS) {
    const words = command
      .replaceAll(PLACES[0]!, host.dockerHostUrl)
      .replaceAll(PLACES[1]!, host.address)
      .replaceAll(PLACES[2]!, host.sshConfigFile)
      .replaceAll(PLACES[3]!, remotePersistDir)
      .split(" ")
      .slice(1);
    const result = await env.daemon.run(words, { timeoutMs: 180_000 });
    if (result.code !== 0) throw new Error(`\`${command}\` exited ${result.code} after ${done.join("; ")}:\n${result.stdout}${result.stderr}\n${env.daemon.log().slice(-3000)}`);
    // The README's comment says what doctor checks there: each one said, about that host.
    if (words[0] === "doctor") {
      const said = result.stdout + result.stderr;
      for (const check of ["its host key is known and the login is accepted", "Docker Engine", "rsync is installed", "free on"]) expect(said).toContain(check);
      expect(said).toContain(`root@${host.address}`);
    }
    if (words[0] === "up") expect(result.stderr).toContain(`Connected to the Docker host root@${host.address}`);
    done.push(command);
  }
  // The example runs there: names mapped to the host's address, the page served from its engine, nothing here.
  const hosts = readFileSync(env.hostsFile, "utf8");
  expect(hosts).toMatch(new RegExp(`^${host.address.replaceAll(".", "\\.")}\\s+local\\.website\\.com$`, "m"));
  expect((await fetchByCurl("local.website.com", env.httpPort, host.address)).text).toContain("Hello from the Dusty example website");
  const there = await host.docker(["ps", "-q", "--filter", `label=com.docker.compose.project=${env.project}`]);
  expect(there.stdout.split("\n").filter(Boolean)).toHaveLength(4);
  expect(await env.containers()).toEqual({});
  expect((await host.exec(["test", "-d", join(remotePersistDir, "repos")])).exitCode).toBe(0);
}, 600_000);
