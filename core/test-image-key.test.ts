import { describe, expect, test } from "bun:test";
import { computeTestImageKey, type TestImageKeyInput } from "./test-image-key.ts";

const input: TestImageKeyInput = {
  name: "web",
  prepScript: "set -e\ncd /web\nmake deps\n",
  baseImageId: "sha256:1111",
  mounts: ["/p/cmd/web/test:/command_files", "/p/repos/web:/web"],
  repos: [
    { url: "github.com/org/web", revision: "commit:aaaa" },
    { url: "/home/me/lib", revision: "content:bbbb" },
  ],
};

describe("computeTestImageKey()", () => {
  test("computeTestImageKey() gives 24 hex digits, the same for the same input in any order", async () => {
    const key = await computeTestImageKey(input);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    const reordered = { ...input, mounts: [...input.mounts].reverse(), repos: [...input.repos].reverse() };
    expect(await computeTestImageKey(reordered)).toBe(key);
  });

  test("computeTestImageKey() changes with the prep script, the base image, a repo's revision, the mounts and the name", async () => {
    const key = await computeTestImageKey(input);
    const variants: TestImageKeyInput[] = [
      { ...input, prepScript: `${input.prepScript}echo more\n` },
      { ...input, baseImageId: "sha256:2222" },
      { ...input, repos: [{ url: "github.com/org/web", revision: "commit:cccc" }, input.repos[1]!] },
      { ...input, repos: [input.repos[0]!] },
      { ...input, mounts: [input.mounts[0]!, "/p/repos/web:/srv"] },
      { ...input, name: "api" },
    ];
    const keys = await Promise.all(variants.map(computeTestImageKey));
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });

  test("computeTestImageKey() keeps fields apart: moving text from one field to the next changes the key", async () => {
    const a = await computeTestImageKey({ ...input, name: "ab", prepScript: "c" });
    const b = await computeTestImageKey({ ...input, name: "a", prepScript: "bc" });
    expect(a).not.toBe(b);
  });
});
