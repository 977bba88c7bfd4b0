// The smallest stand-in for a Lambda cold start that scripts/cold-start.ts measures: a fresh Node.js
// process imports one function bundle (its init), then optionally invokes its handler with each event
// of a JSON file in turn (the first invocation of the process, then warm ones), and prints one JSON
// line of timings. Plain JavaScript, run by node itself, so that nothing else is loaded first.
// Usage: node cold-start-runner.mjs <bundle.mjs> [<events.json>]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventsFile] = process.argv.slice(2);
// A bank on the far side of the internet rather than on loopback: each request to it (fetch, which
// is how the bank is called; the AWS SDK does not use it) waits this long first.
const bankRequests = [];
const bankLatencyMs = Number(process.env.COLD_START_BANK_LATENCY_MS ?? 0);
if (bankLatencyMs > 0) {
  const direct = globalThis.fetch;
  globalThis.fetch = async (...args) => {
    bankRequests.push(String(args[0]));
    await new Promise((resolve) => setTimeout(resolve, bankLatencyMs));
    return direct(...args);
  };
}
// performance.now() counts from the process's start: this is Node's own bootstrap.
const bootMs = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const initMs = performance.now();
const initCpu = process.cpuUsage();
if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler`);

const invocations = [];
if (eventsFile) {
  const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
  for (const [index, event] of events.entries()) {
    const deadline = Date.now() + 20_000;
    const context = {
      awsRequestId: `cold-start-${index}`,
      functionName: 'cold-start',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    if (process.env.COLD_START_TRACED) {
      const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${index.toString(16).padStart(24, '0')}`;
      process.env._X_AMZN_TRACE_ID = `Root=${root};Parent=${'1'.repeat(16)};Sampled=1`;
    }
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const answer = await handler(event, context);
    const cpu = process.cpuUsage(cpuBefore);
    invocations.push({
      ms: performance.now() - startedAt,
      cpuMs: (cpu.user + cpu.system) / 1000,
      statusCode: answer?.statusCode,
      bankRequests: bankRequests.splice(0).length,
    });
  }
}
process.stdout.write(
  `${JSON.stringify({
    bootMs,
    importMs: initMs - bootMs,
    initMs,
    initCpuMs: (initCpu.user + initCpu.system) / 1000,
    initBankRequests: bankRequests.length,
    invocations,
    // The resident set at the end (getrusage's peak would be the parent's: it survives exec).
    rssMb: process.memoryUsage().rss / 1024 / 1024,
  })}\n`,
);
// Work the bundle started and left running (a discovery request, keep-alive sockets) is not waited for.
process.exit(0);
