// Process: test. A team server in a process of its own, on the PostgreSQL database named by
// TESSERA_CHILD_DATABASE_URL, with the test limits of helpers/server.ts; prints its URL as
// the first line on stdout and runs until killed. Used where a test needs two server
// processes on one database, not two apps in one process.
import { startServer } from '../../server/main.ts';

const databaseUrl = process.env.TESSERA_CHILD_DATABASE_URL;
if (!databaseUrl) throw new Error('set TESSERA_CHILD_DATABASE_URL');
const s = await startServer({ databaseUrl, port: 0, loginRateLimit: 1000, linkOpenRateLimit: 1000 });
process.stdout.write(`${s.url}\n`);
process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));
