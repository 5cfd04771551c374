// mcpb_official.mjs <packaging/mcpb dir> <work dir>
// With the official MCPB library (@anthropic-ai/mcpb, pinned in packaging/mcpb/package-lock.json):
// the unpacked manifest passes its v0.3 schema, and getMcpConfigForManifest, the host side's
// substitution, gives exactly the configurations mcpb_host.py launched.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const [pkgDir, work] = process.argv.slice(2);
const mcpb = await import(pathToFileURL(join(pkgDir, "node_modules/@anthropic-ai/mcpb/dist/index.js")));
const root = join(work, "unpacked");
const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));

const parsed = mcpb.v0_3.McpbManifestSchema.safeParse(manifest);
if (!parsed.success) {
  console.error("FAIL: the v0.3 schema refuses manifest.json:", JSON.stringify(parsed.error.issues));
  process.exit(1);
}
const data = join(work, "data dir");
const cases = [
  ["resolved-default.json", { data_dir: data }],
  ["resolved-empty.json", { data_dir: data, api_key: "", secret_key: "" }],
];
for (const [file, userConfig] of cases) {
  const got = await mcpb.getMcpConfigForManifest({
    manifest, extensionPath: root, systemDirs: { HOME: join(work, "home") }, userConfig,
    pathSeparator: "/",
  });
  const want = JSON.parse(readFileSync(join(work, file), "utf8"));
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(got)), want)) {
    console.error(`FAIL: ${file}: the library resolves`, JSON.stringify(got), "the test launched", JSON.stringify(want));
    process.exit(1);
  }
}
// Without data_dir the host must not start herald (required, no value).
const none = await mcpb.getMcpConfigForManifest({
  manifest, extensionPath: root, systemDirs: { HOME: join(work, "home") }, userConfig: {}, pathSeparator: "/",
});
if (none !== undefined) {
  console.error("FAIL: the library would start herald without a data directory:", JSON.stringify(none));
  process.exit(1);
}
console.log("ok: @anthropic-ai/mcpb: v0.3 schema passes; getMcpConfigForManifest gives the launched configurations");
