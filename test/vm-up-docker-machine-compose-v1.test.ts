// The docker-machine driver scenario (test/vm-up-scenario.ts) under docker-compose v1.
import { describeVmUp } from "./vm-up-scenario.ts";

describeVmUp("docker-machine", "docker-compose");
