// Shared by the client checks in this directory: runs a check under a watchdog and prints what it observed as one
// JSON line, the last line of stdout (TypeScriptSdkClient reads it). Exit 0 after the check, 1 when it threw (the
// line then carries "error"), 3 when it did not finish in time.
export async function report(name, seen, check, timeoutMs = 60_000) {
  const watchdog = setTimeout(() => { console.error(`${name}: timed out`); process.exit(3); }, timeoutMs);
  try {
    await check();
    console.log(JSON.stringify(seen));
    clearTimeout(watchdog);
    process.exit(0);
  } catch (e) {
    console.error(`${name}: ` + (e?.stack ?? e));
    console.log(JSON.stringify({ ...seen, error: String(e?.message ?? e) }));
    process.exit(1);
  }
}
