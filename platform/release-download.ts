/**
 * Reading a release over HTTP(S) for `dusty upgrade` (whose binary stays as it is when any of this fails): small text files whole, tarballs streamed to disk
 * while their sha256 is computed, so a truncated or altered download is caught before anything is replaced.
 */
import { UserError } from "./errors.ts";

/** How long one request may take before dusty gives up (a tarball is ~55 MB). */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

/** A downloaded file: its size and its sha256 (lowercase hex). */
export interface Download {
  bytes: number;
  sha256: string;
}

/** Fetches a small text file (index.json, SHA256SUMS). */
export async function fetchReleaseText(url: string): Promise<string> {
  const response = await request(url);
  try {
    return await response.text();
  } catch (error) {
    throw downloadError(url, error);
  }
}

/** Streams `url` into the file `path`, hashing as it goes; fails when fewer bytes arrive than the server announced. */
export async function downloadReleaseFile(url: string, path: string): Promise<Download> {
  const response = await request(url);
  const announced = Number(response.headers.get("content-length") ?? Number.NaN);
  const hasher = new Bun.CryptoHasher("sha256");
  const writer = Bun.file(path).writer();
  let bytes = 0;
  try {
    for await (const chunk of response.body ?? new ReadableStream<Uint8Array>()) {
      hasher.update(chunk);
      writer.write(chunk);
      bytes += chunk.byteLength;
    }
  } catch (error) {
    throw downloadError(url, error, bytes);
  } finally {
    await writer.end();
  }
  if (Number.isFinite(announced) && bytes !== announced) {
    throw downloadError(url, new Error(`the connection closed after ${bytes} of ${announced} bytes`));
  }
  return { bytes, sha256: hasher.digest("hex") };
}

async function request(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: "follow" });
  } catch (error) {
    throw downloadError(url, error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new UserError(
      `Cannot download ${url}: the server answered ${response.status} ${response.statusText}`.trimEnd() +
        ". Nothing was replaced. Check the version and the release URL (config key release_url, or DUSTY_RELEASE_URL)",
    );
  }
  return response;
}

function downloadError(url: string, error: unknown, received?: number): UserError {
  // Bun's first sentence says what happened; the rest is advice for programmers ("pass `verbose: true` …").
  const reason = (error instanceof Error ? error.message : String(error)).split(/(?<=[.?!])\s/)[0]!.replace(/[.?!\s]+$/, "");
  const after = received === undefined ? "" : ` after ${received} bytes`;
  return new UserError(
    `Cannot download ${url}: ${reason}${after}. Nothing was replaced. Check the network and the release URL (config key release_url, or DUSTY_RELEASE_URL), then try again`,
  );
}
