// `dusty up`, restart, status, logs, shell and stop on an ssh Docker host under Compose v2 (test/remote-up-scenario.ts).
import { describeRemoteUp } from "./remote-up-scenario.ts";

describeRemoteUp("docker compose");
