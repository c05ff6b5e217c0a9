// End-to-end: every command of the README's "The Docker host on another machine" section runs as written,
// in its order, against a real second Docker host (test/remote-host.ts) and the built-in example. The
// daemon starts on the native driver's config and with the host's key nowhere, as before a user follows
// the section; only what names places is replaced: the host's URL and name, its address, the ssh config
// file, the known_hosts file and dusty's folder there. The ssh config the test writes reads known hosts
// from that one file only, so the README's ssh-keyscan line is what lets doctor and up log in.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../platform/run.ts";
import { ensureTestImages, TEST_IMAGES } from "../platform/test-images.ts";
import { ROOT } from "./harness.ts";
import { readmeCommands } from "./readme-commands.ts";
import { fetchByCurl } from "./remote-example.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";
import { exampleRepos, exampleSpecFiles, startTestEnvironment, type ExampleEnvironment } from "./up-example.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const COMMANDS = readmeCommands(README, "The Docker host on another machine");
// The README's placeholders for places (the URL before the bare host name it holds).
const PLACES = ["ssh://dev@build.example.com", "build.example.com", "10.0.0.5", "/home/dev/.ssh/dusty", "/etc/ssh/ssh_known_hosts", "/srv/dusty"];

const root = mkdtempSync(join(tmpdir(), "dusty-readme-remote-"));
let host: RemoteHost;
let env: ExampleEnvironment;
let remotePersistDir: string;
/** Where the README's known_hosts line writes here, and the only known hosts file the test's ssh config reads. */
const knownHosts = join(root, "known_hosts");
const sshConfig = join(root, "ssh_config");

beforeAll(async () => {
  await ensureTestImages();
  host = await startRemoteHost({ hide: [root] });
  for (const image of TEST_IMAGES) await host.loadImage(image);
  remotePersistDir = join(host.remoteRoot, "dusty");
  const settings = [`IdentityFile ${host.keyPath}`, "IdentitiesOnly yes", "IdentityAgent none", "UserKnownHostsFile /dev/null", `GlobalKnownHostsFile ${knownHosts}`, "ConnectTimeout 10"];
  writeFileSync(sshConfig, ["Host *", ...settings.map((line) => `  ${line}`), ""].join("\n"));
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
  expect(COMMANDS.filter((command) => !command.startsWith("dusty "))).toEqual(["ssh-keyscan -H build.example.com | sudo tee -a /etc/ssh/ssh_known_hosts"]);
  expect(COMMANDS.indexOf("dusty doctor")).toBeGreaterThan(COMMANDS.findIndex((command) => command.startsWith("ssh-keyscan")));
  for (const place of PLACES) expect(COMMANDS.some((command) => command.includes(place))).toBe(true);
});

test("every command of the README's remote section runs as written against a namespace host", async () => {
  const done: string[] = [];
  for (const command of COMMANDS) {
    const here = command
      .replaceAll("ssh://dev@build.example.com", host.dockerHostUrl)
      .replaceAll("build.example.com", host.address)
      .replaceAll("10.0.0.5", host.address)
      .replaceAll("/home/dev/.ssh/dusty", sshConfig)
      .replaceAll("/etc/ssh/ssh_known_hosts", knownHosts)
      .replaceAll("/srv/dusty", remotePersistDir);
    if (command.startsWith("ssh-keyscan")) {
      // Before it, the key is nowhere ssh looks: doctor says so, with the fix.
      const before = await env.daemon.run(["doctor"]);
      expect(before.code).toBe(1);
      expect(before.stdout + before.stderr).toContain("its host key is not in known_hosts");
      // A line of the user's shell, run by one.
      const result = await run(["sh", "-c", here]);
      if (result.exitCode !== 0) throw new Error(`\`${command}\` exited ${result.exitCode}:\n${result.stdout}${result.stderr}`);
      expect(readFileSync(knownHosts, "utf8")).toMatch(/^\|1\|/m); // -H: hashed host names
      done.push(command);
      continue;
    }
    const words = here.split(" ").slice(1);
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
