import { expect, test } from "bun:test";
import { parseSshUrl, sshError } from "./ssh.ts";

test("parseSshUrl() reads the Docker CLI's ssh://USER@HOST[:PORT] form", () => {
  expect(parseSshUrl("ssh://deploy@build.example")).toEqual({ user: "deploy", host: "build.example", port: undefined });
  expect(parseSshUrl("ssh://deploy@10.0.0.5:2222")).toEqual({ user: "deploy", host: "10.0.0.5", port: 2222 });
  expect(parseSshUrl("ssh://[fd00::5]:22")).toEqual({ user: undefined, host: "fd00::5", port: 22 });
  expect(parseSshUrl("ssh://build.example/")).toEqual({ user: undefined, host: "build.example", port: undefined });
});

test("parseSshUrl() rejects other forms with the expected one", () => {
  for (const bad of ["deploy@build.example", "tcp://build.example:2376", "ssh://deploy@build.example:0", "ssh://a@b@c", "ssh://host:99999", "ssh://-oProxyCommand=touch /tmp/x", "ssh://-lroot@host", "ssh://user@-host"]) {
    expect(() => parseSshUrl(bad)).toThrow(`Cannot use docker_host "${bad}": expected ssh://USER@HOST or ssh://USER@HOST:PORT`);
  }
});

test("sshError() gives the port to ssh-keyscan when the host uses another one", () => {
  const result = { argv: ["ssh"], exitCode: 255, stdout: "", stderr: "No ED25519 host key is known for [build.example]:2222 and you have requested strict checking.\nHost key verification failed.\n" };
  expect(sshError("deploy@build.example:2222", result).message).toContain("`ssh-keyscan -H -p 2222 build.example | sudo tee -a /etc/ssh/ssh_known_hosts`");
});
