import { expect, test } from "bun:test";
import { parseSsListeners, portsHeldOn } from "./listening-ports.ts";

const SS = [
  "LISTEN 0      4096     10.218.170.2:21710      0.0.0.0:*",
  "LISTEN 0      128           0.0.0.0:22         0.0.0.0:*",
  "LISTEN 0      4096        127.0.0.1:8080       0.0.0.0:*",
  "LISTEN 0      128              [::]:2222          [::]:*",
  "LISTEN 0      5      [fe80::1]%eth0:9000          [::]:*",
  "",
].join("\n");

test("parseSsListeners() reads ss -Htln's local address and port, IPv6 brackets and zones removed", () => {
  expect(parseSsListeners(SS)).toEqual([
    { address: "10.218.170.2", port: 21710 },
    { address: "0.0.0.0", port: 22 },
    { address: "127.0.0.1", port: 8080 },
    { address: "::", port: 2222 },
    { address: "fe80::1", port: 9000 },
  ]);
});

test("portsHeldOn() counts listeners on the address itself and on wildcard addresses, not on others", () => {
  expect(portsHeldOn(parseSsListeners(SS), "10.218.170.2", [8080, 21710, 22, 2222, 9000, 80])).toEqual([22, 2222, 21710]);
});
