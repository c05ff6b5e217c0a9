/**
 * TLS material for a Docker Engine on tcp:// with --tlsverify, made with the real `openssl`: a CA, a
 * server certificate for one IP address (as its subjectAltName, which Go's TLS checks, not the CN), and a
 * client certificate, laid out as the docker CLI reads a DOCKER_CERT_PATH or a context's TLS folder
 * (ca.pem, cert.pem, key.pem). Keys are RSA 2048, made fresh per call.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChecked } from "../platform/run.ts";

/** Where `makeEngineCertificates()` put things. */
export interface EngineCertificates {
  /** The engine's --tlscacert, --tlscert and --tlskey. */
  server: { ca: string; cert: string; key: string };
  /** A client folder: ca.pem, cert.pem, key.pem. */
  clientDir: string;
}

/** A CA under `dir/ca/` (ca.pem, ca-key.pem), for signing certificates or as a wrong CA. */
export async function makeCertificateAuthority(dir: string, name: string): Promise<{ cert: string; key: string }> {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, "ca-key.pem");
  const cert = join(dir, "ca.pem");
  await runChecked(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${name}`]);
  return { cert, key };
}

/** A CA, a server certificate for `address` and a client certificate signed by it, under `dir`. */
export async function makeEngineCertificates(dir: string, address: string): Promise<EngineCertificates> {
  const ca = await makeCertificateAuthority(join(dir, "ca"), "dusty test CA");
  const serverDir = join(dir, "server");
  const clientDir = join(dir, "client");
  const server = await signCertificate(ca, { dir: serverDir, name: address, extensions: `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n` });
  const client = await signCertificate(ca, { dir: clientDir, name: "dusty test client", extensions: "extendedKeyUsage=clientAuth\n" });
  await runChecked(["cp", ca.cert, join(clientDir, "ca.pem")]);
  return { server: { ca: ca.cert, cert: server.cert, key: server.key }, clientDir: client.dir };
}

async function signCertificate(ca: { cert: string; key: string }, options: { dir: string; name: string; extensions: string }): Promise<{ dir: string; cert: string; key: string }> {
  mkdirSync(options.dir, { recursive: true });
  const key = join(options.dir, "key.pem");
  const csr = join(options.dir, "request.csr");
  const cert = join(options.dir, "cert.pem");
  const extFile = join(options.dir, "extensions.cnf");
  writeFileSync(extFile, options.extensions);
  await runChecked(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", `/CN=${options.name}`]);
  await runChecked(["openssl", "x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", extFile]);
  return { dir: options.dir, cert, key };
}
