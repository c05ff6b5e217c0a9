/**
 * The address compose publishes nginx and the apps' direct ports on. On this machine it is
 * `bind_address` (default 127.0.0.1). On a Docker host elsewhere (a VM, an ssh host) a loopback address
 * would be that host's own loopback, which the user's browser cannot reach: there the default and any
 * loopback value mean the host's address, the one the hosts file gives the names. Any other
 * `bind_address` (say 0.0.0.0, to listen on every interface) is taken as written.
 */

/** What decides the publish address. */
export interface PublishAddressInput {
  /** The config's `bind_address`. */
  bindAddress: string;
  /** True when the engine runs on another machine than the daemon (VM or ssh drivers). */
  remoteHost: boolean;
  /** The Docker host's address (`docker_host_address`, or the VM's). */
  hostAddress: string;
}

/** The address to publish ports on. */
export function publishAddress(input: PublishAddressInput): string {
  if (!input.remoteHost || !isLoopback(input.bindAddress)) return input.bindAddress;
  return input.hostAddress;
}

/** 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === "::1";
}
