// Starts a real S3-compatible server (@20minutes/s3rver, which checks AWS Signature V4) on
// 127.0.0.1 with a port chosen by the OS, storing objects in the directory given, with one
// bucket. Writes the port to the file given once it listens, then runs until killed.
//   node start.mjs <data directory> <bucket> <port file>
// Credentials: access key id S3RVER, secret S3RVER (s3rver's built-in account).
import { writeFileSync, renameSync } from 'node:fs';
import S3rver from '@20minutes/s3rver';

const [directory, bucket, portFile] = process.argv.slice(2);
if (!directory || !bucket || !portFile) {
  console.error('usage: node start.mjs <data directory> <bucket> <port file>');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
// Written whole, then renamed, so a reader never sees a partial port.
writeFileSync(`${portFile}.tmp`, `${port}\n`);
renameSync(`${portFile}.tmp`, portFile);

const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
