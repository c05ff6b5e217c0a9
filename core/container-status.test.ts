import { expect, test } from "bun:test";
import { exitCodeOf, parsePublishedPorts, uptimeOf } from "./container-status.ts";

test("exitCodeOf() reads the code of an exited or restarting container, null otherwise", () => {
  expect(exitCodeOf("Exited (137) 2 minutes ago")).toBe(137);
  expect(exitCodeOf("Exited (0) Less than a second ago")).toBe(0);
  expect(exitCodeOf("Restarting (1) 3 seconds ago")).toBe(1);
  expect(exitCodeOf("Up 5 minutes")).toBeNull();
  expect(exitCodeOf("Created")).toBeNull();
});

test("uptimeOf() reads a running container's uptime without its health or pause note", () => {
  expect(uptimeOf("Up 5 minutes")).toBe("5 minutes");
  expect(uptimeOf("Up About an hour (healthy)")).toBe("About an hour");
  expect(uptimeOf("Up 2 seconds (Paused)")).toBe("2 seconds");
  expect(uptimeOf("Exited (1) 1 second ago")).toBeNull();
});

test("parsePublishedPorts() reads IPv4 and IPv6 bindings and skips ports only exposed", () => {
  expect(parsePublishedPorts("127.0.0.1:65000->8000/tcp, [::1]:80->80/tcp, 7000/tcp")).toEqual([
    { address: "127.0.0.1", hostPort: 65000, containerPort: 8000, protocol: "tcp" },
    { address: "::1", hostPort: 80, containerPort: 80, protocol: "tcp" },
  ]);
  expect(parsePublishedPorts("")).toEqual([]);
});
