// Prints the plain closing line `N passed, N failed, N skipped` that CI reads (vitest's own summary is not read).
export default class PlainSummary {
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0, failed = 0, skipped = 0;
    for (const m of testModules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++; else if (s === 'failed') failed++; else skipped++;
      }
    }
    failed += (unhandledErrors?.length ?? 0);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
