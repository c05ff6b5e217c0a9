import { expect, test } from "bun:test";
import { checkEndpointSyntax, endpointHostName } from "./docker-engine.ts";

test("checkEndpointSyntax() takes unix://, tcp:// and ssh:// endpoints as Docker writes them", () => {
  for (const ok of ["unix:///var/run/docker.sock", "unix:///Users/al/.colima/default/docker.sock", "tcp://10.1.2.3:2376", "tcp://build-box", "tcp://[::1]:2375", "ssh://al@build-box", "ssh://build-box.example.com:2222"]) {
    expect([ok, checkEndpointSyntax(ok)]).toEqual([ok, undefined]);
  }
});

test("checkEndpointSyntax() refuses other schemes, relative sockets, options in the host, spaces and bad ports", () => {
  expect(checkEndpointSyntax("npipe:////./pipe/docker_engine")).toBe("dusty uses only unix://PATH, tcp://HOST[:PORT] and ssh://[USER@]HOST[:PORT] endpoints");
  expect(checkEndpointSyntax("fd://")).toBe("dusty uses only unix://PATH, tcp://HOST[:PORT] and ssh://[USER@]HOST[:PORT] endpoints");
  expect(checkEndpointSyntax("unix://docker.sock")).toBe("a unix:// endpoint needs an absolute socket path, as in unix:///var/run/docker.sock");
  expect(checkEndpointSyntax("unix:///tmp/a\nb.sock")).toBe("a unix:// endpoint needs an absolute socket path, as in unix:///var/run/docker.sock");
  const plain = "expected tcp://HOST[:PORT] or ssh://[USER@]HOST[:PORT], with a plain host name or address";
  for (const bad of ["ssh://-oProxyCommand=sh", "ssh://al@-p22", "tcp://a b:1", "ssh://al@host:22 -v", "tcp://host:port", "ssh://"]) expect([bad, checkEndpointSyntax(bad)]).toEqual([bad, plain]);
  expect(checkEndpointSyntax("tcp://host:99999")).toBe("port 99999 is not between 1 and 65535");
  expect(checkEndpointSyntax("tcp://host:0")).toBe("port 0 is not between 1 and 65535");
});

test("endpointHostName() is the machine part of a tcp:// or ssh:// endpoint, and nothing for a socket", () => {
  expect(endpointHostName("tcp://10.1.2.3:2376")).toBe("10.1.2.3");
  expect(endpointHostName("tcp://build-box")).toBe("build-box");
  expect(endpointHostName("ssh://al@build-box:2222")).toBe("build-box");
  expect(endpointHostName("ssh://[fd00::2]:22")).toBe("fd00::2");
  expect(endpointHostName("tcp://[::1]:2375/")).toBe("::1");
  expect(endpointHostName("unix:///var/run/docker.sock")).toBeUndefined();
  expect(endpointHostName(undefined)).toBeUndefined();
});
