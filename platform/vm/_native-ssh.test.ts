// The native driver's ssh:// engine: the ssh_config dusty gives root's ssh, as the real `ssh -G` reads it,
// and the known_hosts file a client sent, checked before any ssh runs.
import { afterAll, expect, test } from "bun:test";
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { runChecked } from "../run.ts";
import { createNativeSshEngine, sshConfigText } from "./_native-ssh.ts";

const temp = makeTempDir("dusty-native-ssh-");
afterAll(() => temp.remove());

test("sshConfigText() offers no identity file (root's ~/.ssh/id_* neither), and trusts only the caller's and the system's known_hosts", async () => {
  const file = join(temp.path, "ssh_config");
  writeFileSync(file, sshConfigText("/home/al/.ssh/known_hosts"));
  const settings = (await runChecked(["ssh", "-G", "-F", file, "al@build-box"])).stdout.split("\n");
  expect(settings).toContain("identityfile none");
  expect(settings.filter((line) => line.startsWith("identityfile "))).toEqual(["identityfile none"]);
  expect(settings).toContain("userknownhostsfile /home/al/.ssh/known_hosts");
  expect(settings).toContain("globalknownhostsfile /etc/ssh/ssh_known_hosts");
  expect(settings).toContain("stricthostkeychecking true");
  expect(settings).toContain("batchmode yes");
  writeFileSync(file, sshConfigText(undefined));
  expect((await runChecked(["ssh", "-G", "-F", file, "al@build-box"])).stdout.split("\n")).toContain("userknownhostsfile none");
});

test("the ssh engine refuses a known_hosts that is a link, another user's, or no plain path, before ssh runs", async () => {
  const caller = { uid: 4242, gid: 4242 };
  const controlDir = join(temp.path, "control");
  const engine = (knownHostsFile: string) => createNativeSshEngine({ source: "DOCKER_HOST", host: "ssh://al@10.9.8.7", knownHostsFile }, { controlDir }, caller);
  const link = join(temp.path, "link_known_hosts");
  symlinkSync("/etc/shadow", link);
  expect(engine(link).dockerEnv()).rejects.toThrow(`Cannot use the known_hosts file "${link}" for the Docker Engine at ssh://al@10.9.8.7: it is not a regular file (a symbolic link)`);
  const others = join(temp.path, "others_known_hosts");
  writeFileSync(others, "");
  chownSync(others, 4343, 4343);
  expect(engine(others).dockerEnv()).rejects.toThrow(`it belongs to uid 4343, not to you (uid 4242)`);
  mkdirSync(join(temp.path, "%d"));
  expect(engine(join(temp.path, "%d", "known_hosts")).dockerEnv()).rejects.toThrow('expected an absolute path without ", %, or control characters');
});
