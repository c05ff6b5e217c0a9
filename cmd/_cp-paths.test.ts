import { expect, test } from "bun:test";
import { describeCpEndpoint, parseCpArgs, parseCpEndpoint } from "./_cp-paths.ts";

test("parseCpEndpoint() resolves a local path against the client's folder", () => {
  expect(parseCpEndpoint("sub/../file.txt", "/home/me")).toEqual({ ok: true, endpoint: { kind: "local", path: "/home/me/file.txt" } });
  expect(parseCpEndpoint("/abs//dir/", "/home/me")).toEqual({ ok: true, endpoint: { kind: "local", path: "/abs/dir" } });
});

test("parseCpEndpoint() reads NAME:/path as a container path and normalises it", () => {
  expect(parseCpEndpoint("my_app:/srv//site/./x/", "/")).toEqual({ ok: true, endpoint: { kind: "container", name: "my_app", path: "/srv/site/x" } });
  expect(parseCpEndpoint("web:/", "/")).toEqual({ ok: true, endpoint: { kind: "container", name: "web", path: "/" } });
});

test("parseCpEndpoint() refuses relative container paths, extra colons, empty names and empty paths", () => {
  const error = (text: string) => {
    const result = parseCpEndpoint(text, "/");
    return result.ok ? "accepted" : result.error;
  };
  expect(error("web:srv")).toBe('You must provide an absolute path inside containers: got "srv" in "web:srv". Write web:/path/in/container');
  expect(error("web:/a:b")).toStartWith('Invalid path specification "web:/a:b", expected [container:]path');
  expect(error(":/a")).toStartWith('Invalid path specification ":/a", expected [container:]path: the name before ":" is empty');
  expect(error("")).toStartWith("Cannot copy: a path is empty");
});

test("parseCpArgs() refuses two local paths and passes the first problem on", () => {
  expect(parseCpArgs("a", "b", "/")).toEqual({
    ok: false,
    error: "Refusing to copy files between your local filesystem: use cp for that. One side must be NAME:/path inside a container",
  });
  expect(parseCpArgs("web:x", "b", "/")).toMatchObject({ ok: false, error: expect.stringContaining("absolute path") });
  expect(parseCpArgs("a", "web:/x", "/w")).toEqual({
    ok: true,
    source: { kind: "local", path: "/w/a" },
    destination: { kind: "container", name: "web", path: "/x" },
  });
});

test("describeCpEndpoint() gives back what parseCpEndpoint() reads the same way", () => {
  for (const text of ["/a/b", "web:/c/d"]) {
    const parsed = parseCpEndpoint(text, "/");
    if (!parsed.ok) throw new Error(parsed.error);
    expect(describeCpEndpoint(parsed.endpoint)).toBe(text);
  }
});
