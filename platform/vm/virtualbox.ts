/**
 * Reading what VirtualBox and the VM print: `VBoxManage list vms`, `showvminfo --machinereadable` and
 * `ip addr show`, to find the VM and its address (virtualbox.test.ts). Pure text work.
 */

/** True when a `VBoxManage list vms` / `list runningvms` listing names the VM (lines look like `"dusty" {uuid}`). */
export function listsVm(listing: string, name: string): boolean {
  return listing.split("\n").some((line) => line.trim().startsWith(`"${name}" `) || line.trim() === `"${name}"`);
}

/** `showvminfo --machinereadable` as key → value, quotes removed from both. */
export function parseMachineReadable(text: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    info[unquote(line.slice(0, at).trim())] = unquote(line.slice(at + 1).trim());
  }
  return info;
}

/** The host-only interface the VM's host-only NIC is attached to ("vboxnet1"), from `showvminfo --machinereadable`. */
export function hostOnlyAdapter(info: Record<string, string>): string | undefined {
  const key = hostOnlyKey(info);
  return key ? info[key] || undefined : undefined;
}

/** The MAC of the VM's host-only adapter, as `ip addr` prints it ("08:00:27:c1:a2:b3"). */
export function hostOnlyMac(info: Record<string, string>): string | undefined {
  const key = hostOnlyKey(info);
  const raw = key && info[`macaddress${key.slice("hostonlyadapter".length)}`];
  if (!raw || !/^[0-9a-fA-F]{12}$/.test(raw)) return undefined;
  return raw.toLowerCase().match(/../g)!.join(":");
}

/** The host port of the NAT rule named "ssh" (`Forwarding(0)="ssh,tcp,127.0.0.1,50322,,22"`). */
export function natSshPort(info: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(info)) {
    const [name, , , hostPort] = value.split(",");
    if (/^Forwarding\(\d+\)$/.test(key) && name === "ssh" && hostPort && /^\d+$/.test(hostPort)) return hostPort;
  }
  return undefined;
}

/** The IPv4 address of the interface with this MAC in `ip addr show` output. */
export function inetForMac(ipAddr: string, mac: string): string | undefined {
  // One block per interface, each starting with "<index>: <name>:".
  for (const block of ipAddr.split(/\n(?=\d+:\s)/)) {
    if (!new RegExp(`link/ether\\s+${mac}\\b`, "i").test(block)) continue;
    return /\binet\s+(\d+\.\d+\.\d+\.\d+)\//.exec(block)?.[1];
  }
  return undefined;
}

function hostOnlyKey(info: Record<string, string>): string | undefined {
  return Object.keys(info).find((k) => /^hostonlyadapter\d+$/.test(k));
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
