import { expect, test } from "bun:test";
import { emptySpecs, type AppSpec } from "../../../core/specs.ts";
import { backupFolder } from "./_disk-backup.ts";
import { specImageRefs } from "./disk.ts";

test("specImageRefs() names each spec image as docker does, with :latest where no tag or digest is given", () => {
  const specs = emptySpecs();
  const app = (image?: string) => ({ image }) as AppSpec;
  specs.apps = { a: app("busybox"), b: app("localhost:5000/team/web"), c: app("redis:7"), d: app(undefined), e: app("busybox:latest") };
  specs.services = { db: { image: "postgres@sha256:abc" }, built: { build: "." }, odd: { image: 42 } };
  expect(specImageRefs(specs)).toEqual(["busybox:latest", "localhost:5000/team/web:latest", "postgres@sha256:abc", "redis:7"]);
});

test("backupFolder() adds dusty-backup unless the path already ends with it", () => {
  expect(backupFolder("/home/me/backups")).toBe("/home/me/backups/dusty-backup");
  expect(backupFolder("/home/me/backups/dusty-backup/")).toBe("/home/me/backups/dusty-backup");
  expect(backupFolder("/home/me/my-dusty-backup")).toBe("/home/me/my-dusty-backup/dusty-backup");
});
