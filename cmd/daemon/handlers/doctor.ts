/**
 * `doctor` (test/shutdown-doctor.test.ts): on docker-machine, the VM's networking repair (shut down, drop the
 * host-only interface, start, new certificates, shut down). On native there is no VM to repair, so it
 * checks what `up` relies on instead: the engine answers, and the bind address and planned ports are free.
 * On the ssh driver it checks the host over ssh: reachable, host key known, engine, rsync, free disk.
 */
import { UserError } from "../../../platform/errors.ts";
import type { SshDockerHost } from "../../../platform/vm/ssh-checks.ts";
import { checkNativeHost } from "./_doctor-native.ts";
import { persistRoot } from "./_disk-backup.ts";
import { checkSshHost } from "./_doctor-ssh.ts";
import { dockerHostFor } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readState } from "./_state.ts";
import type { Handler } from "./_types.ts";

const handler: Handler<"doctor"> = {
  async run(ctx) {
    const state = await readState(ctx);
    requireSetup(state.config);
    const host = dockerHostFor(state);
    if (host.name === "native") return checkNativeHost(ctx, state, host);
    if (host.name === "ssh") return checkSshHost(ctx, { host: host as SshDockerHost, persistDir: persistRoot(host, state), sshConfigFile: state.config.docker_host_ssh_config });
    if (!host.doctor) {
      throw new UserError(
        `Cannot run doctor on the ${host.name} driver: only docker-machine's VM can be repaired this way. Restart the VM with \`${host.name} restart\`, then run \`dusty up\``,
      );
    }
    await host.doctor(ctx.log);
    return 0;
  },
};

export default handler;
