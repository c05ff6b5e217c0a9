import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { findUser, findUserById, invokingUserName, parsePasswd } from "./users.ts";

const temp = makeTempDir("dusty-users-test-");
afterAll(() => temp.remove());
const passwd = join(temp.path, "passwd");
writeFileSync(passwd, "# a comment\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nbroken line\nbob:x:notanumber:1:Bob:/home/bob:/bin/sh\n");

test("parsePasswd() reads name, uid, gid, home and shell, and skips comments and malformed lines", () => {
  expect(parsePasswd(`root:x:0:0:root:/root:/bin/bash\n# x:x:1:1:x:/x:/x\nbad\nb:x:y:1:b:/b:/b\n`)).toEqual([
    { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" },
  ]);
});

test("findUser() finds a user of the passwd file and nobody else", async () => {
  expect(await findUser("alice", { passwdFile: passwd, useGetent: false })).toEqual({ name: "alice", uid: 1000, gid: 1000, home: "/home/alice", shell: "/bin/bash" });
  expect(await findUser("bob", { passwdFile: passwd, useGetent: false })).toBeUndefined();
  expect(await findUser("carol", { passwdFile: passwd, useGetent: false })).toBeUndefined();
});

test("findUser() refuses names that could match another passwd field", async () => {
  expect(await findUser("alice:x", { passwdFile: passwd, useGetent: false })).toBeUndefined();
  expect(await findUser("", { passwdFile: passwd })).toBeUndefined();
});

test("findUser() asks getent for users the file does not list", async () => {
  // An empty file stands in for a machine whose users come from NSS; getent still knows root.
  const empty = join(temp.path, "empty");
  writeFileSync(empty, "");
  expect((await findUser("root", { passwdFile: empty }))?.uid).toBe(0);
  expect(await findUser("no-such-user-anywhere", { passwdFile: empty })).toBeUndefined();
});

test("findUserById() finds the account of a uid", async () => {
  expect((await findUserById(1000, { passwdFile: passwd, useGetent: false }))?.name).toBe("alice");
  expect((await findUserById(0))?.name).toBe("root");
  expect(await findUserById(-1)).toBeUndefined();
});

test("invokingUserName() prefers the user behind sudo, then USER, then the uid's account", async () => {
  expect(await invokingUserName({ SUDO_USER: "alice", USER: "root" }, 0)).toBe("alice");
  expect(await invokingUserName({ USER: "bob" }, 0)).toBe("bob");
  expect(await invokingUserName({}, 0)).toBe("root");
  expect(await invokingUserName({}, undefined)).toBeUndefined();
});
