/**
 * Specs written for Dusty hold docker-compose v1 service keys; dusty writes Compose Specification
 * files, whose schema renamed some of them. These keys are translated where they pass through (an
 * app's `compose`, a service spec), so an old spec still makes a file `docker compose` v2 accepts.
 */

/**
 * `service` with v1 keys in their Compose Specification form: `net: container:X` becomes
 * `network_mode: service:X` when X is a service of this compose file (`composeServices`), else
 * `container:X` (a container started outside it); `net: host|bridge|none` becomes `network_mode`;
 * `log_driver`/`log_opt` become `logging`; `dockerfile` moves into `build`; `volume_driver`, which the
 * specification has no place for on a service, is left out (loading warns). A key already written the
 * new way wins over its v1 form.
 */
export function translateV1Keys(service: Record<string, unknown>, composeServices: ReadonlySet<string>): Record<string, unknown> {
  const out = { ...service };
  if ("net" in out) {
    const net = out.net;
    delete out.net;
    if (!("network_mode" in out) && net !== null && net !== undefined) out.network_mode = networkMode(String(net), composeServices);
  }
  if ("log_driver" in out || "log_opt" in out) {
    const { log_driver: driver, log_opt: options } = out;
    delete out.log_driver;
    delete out.log_opt;
    if (!("logging" in out)) {
      const logging: Record<string, unknown> = {};
      if (driver !== null && driver !== undefined) logging.driver = driver;
      if (options !== null && options !== undefined) logging.options = options;
      out.logging = logging;
    }
  }
  delete out.volume_driver;
  if ("dockerfile" in out) {
    const dockerfile = out.dockerfile;
    delete out.dockerfile;
    if (typeof out.build === "string" && dockerfile !== null && dockerfile !== undefined) out.build = { context: out.build, dockerfile };
  }
  return out;
}

function networkMode(net: string, composeServices: ReadonlySet<string>): string {
  if (!net.startsWith("container:")) return net;
  const target = net.slice("container:".length);
  return composeServices.has(target) ? `service:${target}` : net;
}
