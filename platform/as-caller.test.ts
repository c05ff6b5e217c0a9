import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { asUserArgv, fileUserFor } from "./as-caller.ts";

test("fileUserFor() demotes only when a root daemon serves a caller that is not root", () => {
  const caller = { uid: 1000, gid: 1001, pid: 42 };
  expect(fileUserFor(caller, 0)).toEqual({ uid: 1000, gid: 1001 });
  expect(fileUserFor({ ...caller, uid: 0 }, 0)).toBeNull();
  expect(fileUserFor(caller, 1000)).toBeNull(); // a daemon without root cannot change user anyway
  expect(fileUserFor(null, 0)).toBeNull();
});

test("asUserArgv() runs through setpriv, with the user's groups only when passwd knows the uid", async () => {
  const dir = makeTempDir();
  try {
    const passwd = join(dir.path, "passwd");
    writeFileSync(passwd, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    expect(await asUserArgv({ uid: 1000, gid: 1000 }, ["stat", "/x"], passwd)).toEqual([
      "setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "--", "stat", "/x",
    ]);
    expect(await asUserArgv({ uid: 4242, gid: 7 }, ["stat", "/x"], passwd)).toEqual([
      "setpriv", "--reuid=4242", "--regid=7", "--clear-groups", "--", "stat", "/x",
    ]);
    expect(await asUserArgv(null, ["stat", "/x"], passwd)).toEqual(["stat", "/x"]);
  } finally {
    dir.remove();
  }
});
