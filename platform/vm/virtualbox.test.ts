import { expect, test } from "bun:test";
import { IP_ADDR, SHOWVMINFO } from "./_canned-output.ts";
import { hostOnlyAdapter, hostOnlyMac, inetForMac, listsVm, natSshPort, parseMachineReadable } from "./virtualbox.ts";

test("listsVm() finds a VM by its exact quoted name", () => {
  const listing = '"boot2docker-vm" {1b0c7f4e-0000}\n"dusty" {9e2b5d10-0000}\n';
  expect(listsVm(listing, "dusty")).toBe(true);
  expect(listsVm('"dusty-old" {1}\n', "dusty")).toBe(false);
  expect(listsVm("", "dusty")).toBe(false);
});

test("parseMachineReadable() unquotes keys and values", () => {
  const info = parseMachineReadable(SHOWVMINFO);
  expect(info.nictype1).toBe("82540EM");
  expect(info.memory).toBe("2048");
  expect(info["SATA-0-0"]).toBe("/Users/al/.docker/machine/machines/dusty/disk.vmdk");
});

test("hostOnlyMac() and natSshPort() find the host-only NIC's MAC and the ssh forward", () => {
  const info = parseMachineReadable(SHOWVMINFO);
  expect(hostOnlyMac(info)).toBe("08:00:27:1b:9d:6f");
  expect(natSshPort(info)).toBe("50322");
  expect(hostOnlyMac(parseMachineReadable('nic1="nat"'))).toBeUndefined();
  expect(natSshPort(parseMachineReadable('Forwarding(0)="web,tcp,,8080,,80"'))).toBeUndefined();
});

test("inetForMac() picks the IPv4 address of the interface with that MAC", () => {
  expect(inetForMac(IP_ADDR, "08:00:27:1b:9d:6f")).toBe("192.168.99.101");
  expect(inetForMac(IP_ADDR, "08:00:27:d5:c1:e4")).toBe("10.174.249.15");
  expect(inetForMac(IP_ADDR, "08:00:27:00:00:00")).toBeUndefined();
});

test("hostOnlyAdapter() names the host-only interface the VM uses, and nothing for a VM without one", () => {
  expect(hostOnlyAdapter(parseMachineReadable(SHOWVMINFO))).toBe("vboxnet1");
  expect(hostOnlyAdapter(parseMachineReadable('nic1="nat"\nnictype1="82540EM"'))).toBeUndefined();
});
