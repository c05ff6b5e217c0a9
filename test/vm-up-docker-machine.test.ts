// `dusty up`, shutdown and stop through the daemon on the docker-machine driver under Compose v2 (test/vm-up-scenario.ts).
import { describeVmUp } from "./vm-up-scenario.ts";

describeVmUp("docker-machine", "docker compose");
