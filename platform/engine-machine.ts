/**
 * Whether the native driver's engine runs on this machine. A unix:// socket is here; a tcp:// or ssh://
 * endpoint is here only when its host is a loopback address or one of this machine's own. Elsewhere, its
 * containers publish their ports on that machine (the user's DOCKER_HOST=tcp://otherbox) and mount that
 * machine's folders: `up` then points the host names at its address and says so.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { endpointHostName } from "../core/docker-engine.ts";
import { isLoopback } from "../core/publish-address.ts";
import { UserError } from "./errors.ts";

/** How `engineMachineAddress()` learns this machine's addresses and resolves a name (tests pass their own). */
export interface EngineMachineOptions {
  localAddresses?: () => string[];
  resolve?: (name: string) => Promise<string>;
}

/** The address of the machine `endpoint`'s engine runs on, or undefined when that is this machine (or a socket). */
export async function engineMachineAddress(endpoint: string | undefined, options: EngineMachineOptions = {}): Promise<string | undefined> {
  const name = endpointHostName(endpoint);
  if (name === undefined || name === "localhost" || isLoopback(name)) return undefined;
  const address = isIP(name) ? name : await (options.resolve ?? resolveName)(name).catch((error: Error) => {
    throw new UserError(`Cannot find the address of the Docker Engine at ${endpoint}: ${error.message}. Check the host name, or use its address`);
  });
  if (isLoopback(address) || (options.localAddresses ?? ownAddresses)().includes(address)) return undefined;
  return address;
}

/** Every address of this machine's interfaces (in the daemon's network namespace). */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
}

async function resolveName(name: string): Promise<string> {
  return (await lookup(name)).address;
}
