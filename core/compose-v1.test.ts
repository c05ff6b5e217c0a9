import { expect, test } from "bun:test";
import { translateV1Keys } from "./compose-v1.ts";

const HERE = new Set(["db", "web"]);

test("translateV1Keys() turns net: container:X into network_mode: service:X only when X is a service of the file", () => {
  expect(translateV1Keys({ image: "a", net: "container:db" }, HERE)).toEqual({ image: "a", network_mode: "service:db" });
  expect(translateV1Keys({ image: "a", net: "container:vpn" }, HERE)).toEqual({ image: "a", network_mode: "container:vpn" });
  for (const mode of ["host", "bridge", "none"]) expect(translateV1Keys({ net: mode }, HERE)).toEqual({ network_mode: mode });
  expect(translateV1Keys({ net: "host", network_mode: "none" }, HERE)).toEqual({ network_mode: "none" });
});

test("translateV1Keys() moves log_driver and log_opt into logging, and dockerfile into build", () => {
  expect(translateV1Keys({ log_driver: "syslog", log_opt: { tag: "x" } }, HERE)).toEqual({ logging: { driver: "syslog", options: { tag: "x" } } });
  expect(translateV1Keys({ log_opt: { tag: "x" }, logging: { driver: "local" } }, HERE)).toEqual({ logging: { driver: "local" } });
  expect(translateV1Keys({ build: "/ctx", dockerfile: "Dockerfile.dev" }, HERE)).toEqual({ build: { context: "/ctx", dockerfile: "Dockerfile.dev" } });
  expect(translateV1Keys({ image: "a", dockerfile: "Dockerfile.dev" }, HERE)).toEqual({ image: "a" });
  expect(translateV1Keys({ image: "a", volume_driver: "local" }, HERE)).toEqual({ image: "a" });
});

test("translateV1Keys() leaves a service without v1 keys as it is, and does not change its input", () => {
  const service = { image: "a", net: "host", ports: ["1:1"] };
  expect(translateV1Keys({ image: "a", ports: ["1:1"] }, HERE)).toEqual({ image: "a", ports: ["1:1"] });
  translateV1Keys(service, HERE);
  expect(service).toEqual({ image: "a", net: "host", ports: ["1:1"] });
});
