import { expect, test } from "bun:test";
import { engineMachineAddress } from "./engine-machine.ts";

const here = { localAddresses: () => ["127.0.0.1", "192.168.1.5", "fe80::1"], resolve: async (name: string) => ({ "build-box": "10.1.2.3", "me.lan": "192.168.1.5" })[name] ?? Promise.reject(new Error(`getaddrinfo ENOTFOUND ${name}`)) };

test("engineMachineAddress() is undefined for a socket, loopback, localhost and this machine's own addresses", async () => {
  for (const endpoint of [undefined, "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375", "tcp://localhost:2375", "tcp://[::1]:2375", "tcp://192.168.1.5:2376", "ssh://al@me.lan"]) {
    expect([endpoint, await engineMachineAddress(endpoint, here)]).toEqual([endpoint, undefined]);
  }
});

test("engineMachineAddress() is the other machine's address, resolved when a name", async () => {
  expect(await engineMachineAddress("tcp://10.9.8.7:2376", here)).toBe("10.9.8.7");
  expect(await engineMachineAddress("ssh://al@build-box:2222", here)).toBe("10.1.2.3");
  expect(engineMachineAddress("tcp://nosuch.invalid:2376", here)).rejects.toThrow(
    "Cannot find the address of the Docker Engine at tcp://nosuch.invalid:2376: getaddrinfo ENOTFOUND nosuch.invalid. Check the host name, or use its address",
  );
});
