import { expect, test } from "bun:test";
import { checkContainerPath, checkHostName, checkRelativePath, isDnsName, isIpLiteral, isSafeNginxToken } from "./grammar.ts";
import { renderHostsSection } from "./hosts.ts";
import { compileNginx } from "./nginx.ts";

test("isDnsName() takes labels of letters, digits and inner hyphens, 63 each and 253 in all", () => {
  for (const name of ["a", "web.local", "a-b.c-d.example", "x1", "1x.example", `${"a".repeat(63)}.b`, ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".")]) {
    expect({ name, ok: isDnsName(name) }).toEqual({ name, ok: true });
  }
  const bad = ["", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "a;b", "a\nb", "é.local", `${"a".repeat(64)}.b`, "1.2.3.999", "*.local",
    ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62)].join(".")];
  for (const name of bad) expect({ name, ok: isDnsName(name) }).toEqual({ name, ok: false });
});

test("isIpLiteral() takes IPv4 dotted quads and IPv6 addresses", () => {
  for (const ip of ["127.0.0.1", "10.9.9.9", "255.255.255.255", "::1", "::", "fe80::1", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1"]) expect({ ip, ok: isIpLiteral(ip) }).toEqual({ ip, ok: true });
  for (const ip of ["256.0.0.1", "1.2.3", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "::g", "[::1]", "fe80::1%eth0", "1.2.3.4 evil"]) expect({ ip, ok: isIpLiteral(ip) }).toEqual({ ip, ok: false });
});

test("checkHostName() refuses what would inject a hosts line or an nginx directive", () => {
  expect(checkHostName("x\n# END section for Dusty\n10.9.9.9 evil")).toStartWith('expected a DNS name or an IPv4 address, got "x\\n# END section for Dusty\\n10.9.9.9 evil"');
  expect(checkHostName("a; } server { listen 81; } #")).toBeDefined();
  expect(checkHostName("web.local")).toBeUndefined();
});

test("checkContainerPath() says what a path outside the grammar normalises to", () => {
  expect(checkContainerPath("/srv/../../etc")).toBe('expected a path that stays below "/", got "/srv/../../etc": its ".." climbs above "/" (it would be "/etc")');
  expect(checkContainerPath("/srv/..")).toBe('expected a folder below "/", got "/srv/..": it is the container\'s root');
  expect(checkContainerPath("/")).toBe('expected a folder below "/", got "/": it is the container\'s root');
  expect(checkContainerPath("/a//b/./c")).toBe('expected a normalised path (no ".", ".." or "//"), got "/a//b/./c": write "/a/b/c"');
  expect(checkContainerPath("/a/b/../c")).toBe('expected a normalised path (no ".", ".." or "//"), got "/a/b/../c": write "/a/c"');
  expect(checkContainerPath("srv")).toBe('expected an absolute path (starting with "/"), got "srv"');
  expect(checkContainerPath("/a\u0000b")).toStartWith("expected a path without control characters");
  expect(checkContainerPath("/a\tb")).toStartWith("expected a path without control characters");
  expect(checkContainerPath("/a:/etc", { noColon: true })).toStartWith('expected a path without ":"');
  expect(checkContainerPath("/cp/x", { reserved: ["/cp"] })).toBe('expected a path outside "/cp", got "/cp/x": dusty mounts its own files there');
  for (const ok of ["/srv/app", "/srv/app/", "/srv/shop app", "/cpx", "/a:b"]) expect(checkContainerPath(ok, { reserved: ["/cp"] })).toBeUndefined();
});

test("checkRelativePath() refuses a path that climbs out of its base", () => {
  expect(checkRelativePath("../../etc")).toBe('expected a path inside the spec\'s repo, got "../../etc": its ".." climbs out of it');
  expect(checkRelativePath("a/../../b")).toBeDefined();
  expect(checkRelativePath("docker/../web")).toBeUndefined();
  expect(checkRelativePath(".")).toBeUndefined();
});

test("isSafeNginxToken() refuses spaces, quotes, semicolons, braces, variables and comments", () => {
  expect(isSafeNginxToken("web.local")).toBe(true);
  for (const t of ["a b", "a;", "{", "}", "$x", "a#", "'a'", '"a"', "a\\b", "a\nb", ""]) expect({ t, ok: isSafeNginxToken(t) }).toEqual({ t, ok: false });
});

test("renderHostsSection() refuses a host name or address that is not one, so no caller can add lines", () => {
  expect(() => renderHostsSection([{ address: "127.0.0.1", hostName: "x\n# END section for Dusty\n10.9.9.9 evil" }])).toThrow(
    /^Cannot write the hosts section: "x\\n# END section for Dusty\\n10.9.9.9 evil" is not a host name/,
  );
  expect(() => renderHostsSection([{ address: "127.0.0.1 evil", hostName: "a.local" }])).toThrow(/is not an IP address/);
  expect(renderHostsSection([{ address: "127.0.0.1", hostName: "a.local" }])).toBe("# BEGIN section for Dusty\n127.0.0.1 a.local\n# END section for Dusty\n");
});

test("every host name checkHostName() accepts is one the hosts and nginx renderers accept too", () => {
  const longest = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
  const names = ["web.local", "a", "x1.example", "a-b.c-d", "127.0.0.2", "10.9.9.9", longest, "::1", "fe80::1", "a_b", ""];
  const accepted = names.filter((name) => checkHostName(name) === undefined);
  expect(accepted).toEqual(["web.local", "a", "x1.example", "a-b.c-d", "127.0.0.2", "10.9.9.9", longest]);
  for (const hostName of accepted) {
    expect(() => renderHostsSection([{ address: "127.0.0.1", hostName }])).not.toThrow();
    expect(() => compileNginx({ apps: {}, hosts: [], routes: [{ app: "web", hostName, hostPort: 80, containerPort: 80, publishedPort: 65000, type: "http" }] })).not.toThrow();
  }
});
