import { expect, test } from "bun:test";
import { joinPosixPath, normalizePosixPath } from "./compile-paths.ts";

test("normalizePosixPath() resolves dots and slashes without climbing above /", () => {
  expect(normalizePosixPath("/a//b/./c/")).toBe("/a/b/c");
  expect(normalizePosixPath("/a/b/../c")).toBe("/a/c");
  expect(normalizePosixPath("/../../x")).toBe("/x");
  expect(normalizePosixPath("../x/../../y")).toBe("../../y");
  expect(normalizePosixPath("./")).toBe(".");
  expect(normalizePosixPath("/")).toBe("/");
});

test("joinPosixPath() joins a relative path and keeps an absolute one", () => {
  expect(joinPosixPath("/repo", "docker")).toBe("/repo/docker");
  expect(joinPosixPath("/repo", "./")).toBe("/repo");
  expect(joinPosixPath("/repo/sub", "../images/x")).toBe("/repo/images/x");
  expect(joinPosixPath("/repo", "/opt/img")).toBe("/opt/img");
});
