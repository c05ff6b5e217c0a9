// The ssh Docker host scenario (test/remote-up-scenario.ts) under docker-compose v1.
import { describeRemoteUp } from "./remote-up-scenario.ts";

describeRemoteUp("docker-compose");
