#!/usr/bin/env node
// The shipped CLI runs from the compiled dist/ (68 ms start-up vs 191 ms through tsx; see shared/design/stack.md §7).
import { main } from '../dist/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
