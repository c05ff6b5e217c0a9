// `dusty up`, shutdown and stop through the daemon on the boot2docker driver under Compose v2 (test/vm-up-scenario.ts).
import { describeVmUp } from "./vm-up-scenario.ts";

describeVmUp("boot2docker", "docker compose");
