import { expect, test } from "bun:test";
import { isLoopback, publishAddress } from "./publish-address.ts";

test("on this machine the bind address is taken as written", () => {
  expect(publishAddress({ bindAddress: "127.0.0.1", remoteHost: false, hostAddress: "127.0.0.1" })).toBe("127.0.0.1");
  expect(publishAddress({ bindAddress: "0.0.0.0", remoteHost: false, hostAddress: "127.0.0.1" })).toBe("0.0.0.0");
});

test("on a host elsewhere a loopback bind address means that host's address", () => {
  expect(publishAddress({ bindAddress: "127.0.0.1", remoteHost: true, hostAddress: "10.200.0.2" })).toBe("10.200.0.2");
  expect(publishAddress({ bindAddress: "127.0.0.5", remoteHost: true, hostAddress: "10.200.0.2" })).toBe("10.200.0.2");
  expect(publishAddress({ bindAddress: "::1", remoteHost: true, hostAddress: "10.200.0.2" })).toBe("10.200.0.2");
});

test("on a host elsewhere any other bind address is taken as written", () => {
  expect(publishAddress({ bindAddress: "0.0.0.0", remoteHost: true, hostAddress: "10.200.0.2" })).toBe("0.0.0.0");
  expect(publishAddress({ bindAddress: "192.168.5.4", remoteHost: true, hostAddress: "10.200.0.2" })).toBe("192.168.5.4");
});

test("loopback is 127.0.0.0/8 and ::1 only", () => {
  expect(isLoopback("127.255.0.1")).toBe(true);
  expect(isLoopback("128.0.0.1")).toBe(false);
  expect(isLoopback("1270.0.0.1")).toBe(false);
});
