import { runTransactionalLoopContract } from '../test/loop-contract.js';
import { createMemoryBus } from './memory-bus.js';

let n = 0;
runTransactionalLoopContract('memory', () => createMemoryBus(), { name: (p) => `${p}-${++n}`, waitMs: 5000 });
